package dev.switchboard.api.auth;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Logs devices in, one stanza at a time, and answers account requests. Stateless between calls:
 * what a multi-step login needs to remember travels in {@link LoginStep#state()} as plain strings,
 * kept by the transport, so an authenticator can be replaced in the middle of a login.
 */
@ProviderType
public interface Authenticator {

    /**
     * Takes the next login stanza of a connection ({@code auth}, then e.g. {@code response}).
     *
     * @param state  what the previous step returned, empty for the first stanza
     * @param remote the client's address, for throttling and logs
     */
    LoginStep login(Map<String, String> state, Node stanza, String remote);

    /**
     * Answers an account request: {@code register} before login ({@code from} is null), or
     * {@code account} from a logged-in device. The answer is a {@code result} stanza carrying the
     * request's id, with {@code error} and {@code text} when refused. Never throws.
     */
    Node accountRequest(Address from, Node request, String remote);

    /** One step of a login. */
    record LoginStep(Outcome outcome, Node reply, Map<String, String> state, Address address) {

        /** Where the login stands after this step. */
        public enum Outcome {
            /** Send the reply and wait for the client's next stanza. */
            CONTINUE,
            /** Logged in as {@link LoginStep#address()}; send the reply. */
            SUCCESS,
            /** Refused; send the reply (a {@code failure} stanza with code and text) and close. */
            FAILURE
        }

        public LoginStep {
            state = state == null ? Map.of() : Map.copyOf(state);
        }
    }
}
