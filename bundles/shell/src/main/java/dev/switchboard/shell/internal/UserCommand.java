package dev.switchboard.shell.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.DeviceRecord;
import java.time.Instant;
import java.util.List;

/** The {@code sb:user} sub-commands; a bad invocation throws IllegalArgumentException with what was wrong. */
final class UserCommand {

    private final AccountService accounts;

    UserCommand(AccountService accounts) {
        this.accounts = accounts;
    }

    String run(String action, String target, String password) throws AccountException {
        switch (action) {
            case "add" -> {
                accounts.register(require(target, "a user id"), require(password, "a password"));
                return "created account " + target + " (device 0)";
            }
            case "passwd" -> {
                Address device = address(require(target, "a user id or user/device"));
                accounts.changePassword(device, require(password, "a password"));
                return "changed the password of " + device + "; its resume tokens are revoked";
            }
            case "devices" -> {
                List<DeviceRecord> devices = accounts.devices(require(target, "a user id"));
                if (devices.isEmpty()) {
                    return "error: no account " + target;
                }
                StringBuilder out = new StringBuilder();
                for (DeviceRecord d : devices) {
                    out.append(String.format("%-26s registered %s%n", d.address(),
                            Instant.ofEpochMilli(d.registeredAtMs()).toString().substring(0, 19)));
                }
                return out.append(devices.size()).append(" device(s)").toString();
            }
            case "unlink" -> {
                Address device = address(require(target, "user/device"));
                accounts.unlinkDevice(device);
                return "unlinked " + device + "; its session is closed and its tokens revoked";
            }
            case "del" -> {
                accounts.deleteAccount(require(target, "a user id"));
                return "deleted account " + target + " with its devices";
            }
            default -> throw new IllegalArgumentException("unknown action '" + action + "'");
        }
    }

    private static String require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("needs " + what);
        }
        return value;
    }

    private static Address address(String text) {
        try {
            return Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not user or user/device (digits)");
        }
    }
}
