package dev.switchboard.itest;

import static org.junit.Assert.*;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * Smack's integration test framework (igniterealtime's XMPP conformance tests, not ours) against
 * the exported runtime's XMPP listener, for the specifications docs/XMPP.md covers. It runs in a JVM
 * of its own (Smack 4.5 beside the tests' 4.4), over STARTTLS with the server's certificate pinned,
 * as three accounts made with sb:user add. The framework takes no port: the listener is put on
 * XMPP's 5222 for it. Each test that passes today must keep passing; docs/XMPP.md lists every test
 * with its outcome and, for the others, the reason.
 */
public class XmppConformanceIT {

    /** What the run covers: the specifications the XMPP issue names. */
    /**
     * The framework's tests of what the listener offers: those it files under RFC 6121, XEP-0199 and
     * XEP-0363, and the unfiled ones of RFC 6120/6121 messaging, XEP-0085 and XEP-0092. Left out:
     * the low-level tests (they register fresh accounts in-band, with names that are not account
     * ids here) and those of extensions not offered (MUC, PubSub, MAM, OMEMO, ...).
     */
    static final List<String> TEST_CLASSES = List.of("PingIntegrationTest", "RosterIntegrationTest",
            "HttpFileUploadIntegrationTest", "IncomingMessageListenerIntegrationTest", "OutgoingMessageListenerIntegrationTest",
            "ChatStateIntegrationTest", "VersionIntegrationTest", "SoftwareInfoIntegrationTest");
    /** Tests that pass against this server today (class.method as the framework names them). */
    static final List<String> MUST_PASS = List.of("PingIntegrationTest.pingServer",
            "RosterIntegrationTest.subscribeRequestListenerTest", "RosterIntegrationTest.testRosterPushAfterSubscriptionRequest",
            "RosterIntegrationTest.testPresenceDeliveredToRecipient", "RosterIntegrationTest.testPresenceApprovalStampedAndDelivered",
            "RosterIntegrationTest.testPresenceApprovalYieldsRosterPush", "RosterIntegrationTest.testPresenceApprovalYieldsRosterPush2",
            "RosterIntegrationTest.testCurrentPresenceSentAfterSubscriptionApproval", "HttpFileUploadIntegrationTest.httpFileUploadTest",
            "IncomingMessageListenerIntegrationTest.test", "OutgoingMessageListenerIntegrationTest.outgoingMessageListenerTest",
            "ChatStateIntegrationTest.testChatStateListeners", "VersionIntegrationTest.testVersion");

    private RuntimeProcess server;

    @After
    public void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void smackIntegrationTestFrameworkPassesWhatTheListenerImplements() throws Exception {
        try (ServerSocket probe = new ServerSocket(5222, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            probe.close();
        } catch (java.io.IOException taken) {
            fail("Smack's framework connects to port 5222, which another process holds (an ejabberd?): stop it first");
        }
        Path classpath = Path.of(RuntimeProcess.ROOT, "conformance/target/sinttest.classpath");
        assertTrue("the conformance module is built first: " + classpath, Files.exists(classpath));
        server = new RuntimeProcess("XmppConformanceIT", false, 5222);
        String[] accounts = {"15550000501", "15550000502", "15550000503"};
        server.addUsers(accounts[0], "conformance-1", accounts[1], "conformance-2", accounts[2], "conformance-3");
        String sha = Files.readString(server.home.resolve("data/tls/https.sha256")).strip().toUpperCase(java.util.Locale.ROOT);
        String pin = "CERTSHA256:" + String.join(":", sha.split("(?<=\\G..)"));
        Path trust = SmackClients.trustStore(server); // the framework's pin does not reach every connection it makes
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", Files.readString(classpath).strip(),
                "-Djavax.net.ssl.trustStore=" + trust, "-Djavax.net.ssl.trustStorePassword=switchboard",
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Dsinttest.service=localhost", "-Dsinttest.host=127.0.0.1", "-Dsinttest.securityMode=required",
                "-Dsinttest.serviceTlsPin=" + pin, "-Dsinttest.replyTimeout=5000",
                "-Dsinttest.enabledTests=" + String.join(",", TEST_CLASSES)));
        for (int i = 0; i < 3; i++) {
            String n = new String[] {"One", "Two", "Three"}[i];
            command.add("-Dsinttest.account" + n + "Username=" + accounts[i]);
            command.add("-Dsinttest.account" + n + "Password=conformance-" + (i + 1));
        }
        command.add("org.igniterealtime.smack.inttest.SmackIntegrationTestFramework");
        Path log = server.home.resolve("sinttest.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("Smack's framework did not finish within 10 minutes; see " + log);
        }
        String out = Files.readString(log);
        Matcher summary = Pattern.compile("finished: (\\d+)/(\\d+)").matcher(out);
        assertTrue("the framework ran to its summary: see " + log, summary.find());
        List<String> passed = passed(out);
        System.out.println("XmppConformanceIT: " + summary.group(0) + "; passed " + passed);
        assertEquals("its count of passed tests is the one read here", Integer.parseInt(summary.group(1)), passed.size());
        for (String test : MUST_PASS) {
            assertTrue(test + " passes (see " + log + ")", passed.contains(test));
        }
    }

    /** The tests the framework reports as passed, as class.method. */
    static List<String> passed(String out) {
        List<String> passed = new ArrayList<>();
        Matcher m = Pattern.compile("([A-Za-z0-9]+IntegrationTest)\\.([A-Za-z0-9_]+) \\([A-Za-z]+\\) \u2714").matcher(out);
        while (m.find()) {
            passed.add(m.group(1) + "." + m.group(2));
        }
        return passed;
    }
}
