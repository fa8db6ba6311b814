package dev.switchboard.auth.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.store.StoredCredential;
import dev.switchboard.client.scram.ScramClient;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScramExchangeTest {

    /** RFC 7677 §3: user "user", password "pencil". */
    @Test
    void matchesTheRfc7677TestVector() throws Exception {
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        StoredCredential credential = Scram.fromSaltedPassword(Scram.saltedPassword("pencil", salt, 4096), salt, 4096);
        Map<String, String> state = ScramExchange.start("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", credential,
                "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        assertEquals("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                state.get("server-first"));
        String serverFinal = ScramExchange.finish(state, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", credential);
        assertEquals("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", serverFinal);
    }

    @Test
    void aClientThatCouldBindToTheChannelSaysYAndEchoesIt() throws Exception {
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        byte[] salted = Scram.saltedPassword("pencil", salt, 4096);
        StoredCredential credential = Scram.fromSaltedPassword(salted, salt, 4096);
        Map<String, String> state = ScramExchange.start("y,,n=user,r=clientnonce123", credential, "server");
        String withoutProof = "c=eSws,r=clientnonce123server";
        byte[] authMessage = ("n=user,r=clientnonce123," + state.get("server-first") + "," + withoutProof)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] clientKey = Scram.hmac(salted, "Client Key".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] proof = Scram.xor(clientKey, Scram.hmac(Scram.sha256(clientKey), authMessage));
        assertNotNull(ScramExchange.finish(state, withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof), credential));
        assertThrows(ScramExchange.BadMessage.class, () -> ScramExchange.finish(state,
                "c=biws,r=clientnonce123server,p=" + Base64.getEncoder().encodeToString(proof), credential),
                "the header it sent must be the one it echoes");
    }

    @Test
    void clientLibraryAndServerAgree() throws Exception {
        StoredCredential credential = Scram.credential("correct horse", 4096);
        ScramClient client = new ScramClient("15550001/0", "correct horse");
        Map<String, String> state = ScramExchange.start(client.clientFirst(), credential);
        String serverFinal = ScramExchange.finish(state, client.clientFinal(state.get("server-first")), credential);
        assertNotNull(serverFinal);
        assertTrue(client.serverVerified(serverFinal));
    }

    @Test
    void wrongPasswordGivesNoServerSignature() throws Exception {
        StoredCredential credential = Scram.credential("correct horse", 4096);
        ScramClient client = new ScramClient("15550001/0", "battery staple");
        Map<String, String> state = ScramExchange.start(client.clientFirst(), credential);
        assertNull(ScramExchange.finish(state, client.clientFinal(state.get("server-first")), credential));
    }

    @Test
    void malformedMessagesAreRefused() {
        StoredCredential credential = Scram.credential("x-password", 4096);
        assertThrows(ScramExchange.BadMessage.class, () -> ScramExchange.start("p=tls-unique,,n=u,r=abcdefghij", credential),
                "channel binding asked for: no -PLUS mechanism is offered");
        assertThrows(ScramExchange.BadMessage.class, () -> ScramExchange.start("n,,n=u,r=short", credential));
        assertThrows(ScramExchange.BadMessage.class, () -> ScramExchange.start("n,,garbage", credential));
        assertThrows(ScramExchange.BadMessage.class, () -> ScramExchange.finish(
                ScramExchange.start("n,,n=u,r=abcdefghij", credential), "c=biws,r=wrong,p=AAAA", credential));
    }
}
