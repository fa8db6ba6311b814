package dev.switchboard.cli;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code sb presence ...}: watch accounts, set who sees you, manage contacts. */
@Command(name = "presence", mixinStandardHelpOptions = true, description = "Presence: watch, visibility, contacts.",
        subcommands = {PresenceCommands.Watch.class, PresenceCommands.Visibility.class, PresenceCommands.Contacts.class})
final class PresenceCommands implements Callable<Integer> {

    @ParentCommand
    Cli cli;

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    @Command(name = "watch", mixinStandardHelpOptions = true, description = "Show when accounts come and go.")
    static final class Watch implements Callable<Integer> {
        @ParentCommand
        PresenceCommands presence;
        @Parameters(arity = "1..*", paramLabel = "<user>")
        List<String> users;
        @Option(names = "--seconds", description = "how long to watch (default ${DEFAULT-VALUE})")
        int seconds = 60;

        @Override
        public Integer call() throws Exception {
            Printer printer = new Printer(System.out);
            try (SwitchboardClient c = presence.cli.connect()) {
                for (String u : users) {
                    c.subscribePresence(u);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                while (System.nanoTime() < deadline) {
                    Node n = c.incoming().poll(100, TimeUnit.MILLISECONDS);
                    if (n != null && n.tag().equals("presence")) {
                        printer.presence(n);
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "visibility", mixinStandardHelpOptions = true,
            description = "Who sees when you are online and when you were last seen: everyone, contacts or nobody.")
    static final class Visibility implements Callable<Integer> {
        @ParentCommand
        PresenceCommands presence;
        @Parameters(paramLabel = "everyone|contacts|nobody")
        String visibility;

        @Override
        public Integer call() throws Exception {
            try (SwitchboardClient c = presence.cli.connect()) {
                c.setPresenceVisibility(visibility);
                System.out.println("visible to " + visibility);
            }
            return 0;
        }
    }

    @Command(name = "contacts", mixinStandardHelpOptions = true, description = "List, add or remove contacts.")
    static final class Contacts implements Callable<Integer> {
        @ParentCommand
        PresenceCommands presence;
        @Parameters(index = "0", paramLabel = "list|add|remove")
        String op;
        @Parameters(index = "1..*", paramLabel = "<user>")
        List<String> users = List.of();

        @Override
        public Integer call() throws Exception {
            try (SwitchboardClient c = presence.cli.connect()) {
                switch (op) {
                    case "list" -> c.contacts().forEach(System.out::println);
                    case "add" -> c.addContacts(users);
                    case "remove" -> c.removeContacts(users);
                    default -> throw new CommandLine.ParameterException(new CommandLine(this), "use list, add or remove");
                }
            }
            return 0;
        }
    }
}
