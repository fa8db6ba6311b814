package dev.switchboard.noise;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The client's side of the handshake over blocking streams: IK when it knows the server's key, XX
 * otherwise, and XX again on the same connection when the server answers IK with an empty message
 * (it does not hold that key: it was rotated, or this is another server). The caller decides whether
 * to trust {@link Result#serverKey}; nothing is sent after the handshake until it does.
 */
public final class ClientHandshake {

    /**
     * @param keys      the transport keys
     * @param serverKey the static key the server proved it holds
     * @param nextKey   a key the server says replaces the one the client knew (rotation), or null
     */
    public record Result(Handshake.Keys keys, byte[] serverKey, byte[] nextKey) { }

    private ClientHandshake() {
    }

    public static Result run(InputStream in, OutputStream out, int dictionary, byte[] knownServerKey) throws IOException, NoiseException {
        DataInputStream data = new DataInputStream(in);
        KeyPair25519 clientKey = KeyPair25519.generate();
        if (knownServerKey != null) {
            byte[] preamble = Preamble.of(dictionary, Pattern.IK);
            Handshake ik = new Handshake(Pattern.IK, true, clientKey, knownServerKey, preamble);
            send(out, preamble, ik.writeMessage(new byte[0]));
            byte[] answer = receive(data);
            if (answer.length > 0) {
                byte[] payload = ik.readMessage(answer);
                byte[] next = payload.length == KeyPair25519.LENGTH ? payload : null;
                return new Result(ik.split(), knownServerKey.clone(), next);
            }
        }
        byte[] preamble = Preamble.of(dictionary, Pattern.XX);
        Handshake xx = new Handshake(Pattern.XX, true, clientKey, null, preamble);
        send(out, preamble, xx.writeMessage(new byte[0]));
        xx.readMessage(receive(data));
        send(out, null, xx.writeMessage(new byte[0]));
        return new Result(xx.split(), xx.remoteStatic(), null);
    }

    private static void send(OutputStream out, byte[] preamble, byte[] message) throws IOException {
        byte[] bytes = new byte[(preamble == null ? 0 : preamble.length) + 2 + message.length];
        int at = 0;
        if (preamble != null) {
            System.arraycopy(preamble, 0, bytes, 0, preamble.length);
            at = preamble.length;
        }
        bytes[at] = (byte) (message.length >>> 8);
        bytes[at + 1] = (byte) message.length;
        System.arraycopy(message, 0, bytes, at + 2, message.length);
        out.write(bytes);
        out.flush();
    }

    private static byte[] receive(DataInputStream in) throws IOException, NoiseException {
        int len;
        try {
            len = in.readUnsignedShort();
        } catch (EOFException e) {
            throw new NoiseException("the server closed the connection during the handshake");
        }
        byte[] message = new byte[len];
        in.readFully(message);
        return message;
    }
}
