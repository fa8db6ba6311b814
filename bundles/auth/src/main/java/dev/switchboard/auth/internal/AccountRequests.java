package dev.switchboard.auth.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountException.Reason;
import dev.switchboard.api.auth.CredentialData;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.DeviceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Account requests from clients (docs/PROTOCOL.md §7): {@code register} before login, and
 * {@code account op=link|unlink|passwd|delete|devices} from a logged-in device. Only the primary
 * device links, unlinks or deletes. Every request gets a {@code result} with its id.
 */
final class AccountRequests {

    private final Accounts accounts;
    private final boolean clientRegistration;

    AccountRequests(Accounts accounts, boolean clientRegistration) {
        this.accounts = accounts;
        this.clientRegistration = clientRegistration;
    }

    Node handle(Address from, Node request) {
        String id = request.attr("id");
        try {
            if (from == null) {
                if (!"register".equals(request.tag())) {
                    throw new AccountException(Reason.FORBIDDEN, "log in first");
                }
                if (!clientRegistration) {
                    throw new AccountException(Reason.FORBIDDEN, "registration from clients is switched off on this server");
                }
                accounts.register(request.attr("user"), credential(request));
                return Node.of("result", "id", id);
            }
            if (!"account".equals(request.tag())) {
                throw new AccountException(Reason.FORBIDDEN, "not an account request");
            }
            return operation(from, request, id);
        } catch (AccountException e) {
            return Node.of("result", "id", id, "error", e.reason().wireCode(), "text", e.getMessage());
        }
    }

    private Node operation(Address from, Node request, String id) throws AccountException {
        String op = String.valueOf(request.attr("op"));
        switch (op) {
            case "link" -> accounts.linkDevice(target(from, request, true), credential(request));
            case "unlink" -> accounts.unlinkDevice(target(from, request, true));
            case "passwd" -> accounts.changePassword(target(from, request, false), credential(request));
            case "delete" -> {
                primaryOnly(from);
                accounts.deleteAccount(from.user());
            }
            case "devices" -> {
                List<Node> children = new ArrayList<>();
                for (DeviceRecord d : accounts.devices(from.user())) {
                    children.add(Node.of("device", "id", String.valueOf(d.address().device()),
                            "registered", String.valueOf(d.registeredAtMs())));
                }
                return new Node("result", Map.of("id", id == null ? "" : id), children, null);
            }
            default -> throw new AccountException(Reason.FORBIDDEN,
                    "unknown op '" + op + "'; use link, unlink, passwd, delete or devices");
        }
        return Node.of("result", "id", id);
    }

    /** The device an op names (default: the requester); other devices need the primary device. */
    private static Address target(Address from, Node request, boolean primaryRequired) throws AccountException {
        if (primaryRequired) {
            primaryOnly(from);
        }
        String device = request.attr("device");
        if (device == null) {
            return from;
        }
        try {
            Address target = new Address(from.user(), Integer.parseInt(device));
            if (!target.equals(from)) {
                primaryOnly(from);
            }
            return target;
        } catch (IllegalArgumentException e) {
            throw new AccountException(Reason.MALFORMED_ID, "device must be 0-255");
        }
    }

    private static void primaryOnly(Address from) throws AccountException {
        if (from.device() != 0) {
            throw new AccountException(Reason.FORBIDDEN, "only the primary device (0) may do this");
        }
    }

    private static CredentialData credential(Node r) throws AccountException {
        try {
            return new CredentialData(r.attr("mechanism"), Integer.parseInt(String.valueOf(r.attr("iterations"))),
                    r.attr("salt"), r.attr("stored-key"), r.attr("server-key"));
        } catch (NumberFormatException e) {
            throw new AccountException(Reason.WEAK_PASSWORD, "iterations must be a number");
        }
    }
}
