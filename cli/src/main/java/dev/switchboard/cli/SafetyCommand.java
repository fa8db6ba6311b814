package dev.switchboard.cli;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.e2e.EncryptedClient;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code sb safety <user>}: the safety number with each of a user's devices, to compare in person. */
@Command(name = "safety", mixinStandardHelpOptions = true,
        description = "Show the safety number with each device of a user: the same on both sides means no one is in between.")
final class SafetyCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;
    @Parameters(paramLabel = "<user>")
    String user;

    @Override
    public Integer call() throws Exception {
        Credentials creds = Credentials.load(cli.configDir());
        try (SwitchboardClient c = cli.connect()) {
            EncryptedClient e2e = Encryption.open(cli, creds, c, new Printer(System.err));
            Map<Address, String> numbers = e2e.safetyNumbers(user);
            if (numbers.isEmpty()) {
                System.err.println("error: " + user + " has no device with encryption keys");
                return 1;
            }
            numbers.forEach((device, number) -> System.out.println(device + "  " + group(number)));
        }
        return 0;
    }

    /** 60 digits in twelve groups of five, as Signal shows them. */
    static String group(String digits) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i += 5) {
            out.append(i == 0 ? "" : i % 30 == 0 ? "  " : " ").append(digits, i, Math.min(digits.length(), i + 5));
        }
        return out.toString();
    }
}
