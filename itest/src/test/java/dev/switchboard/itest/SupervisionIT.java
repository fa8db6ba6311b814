package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.ops.SafeDeploy;
import dev.switchboard.api.ops.Supervision;
import dev.switchboard.client.SwitchboardClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Issue #9's supervision acceptance: a component that fails on activation is restarted per its
 * intensity and then escalated (health red) until it recovers; a broken routing jar deployed under
 * traffic is rolled back with no connection dropped and no message lost; a jar that does not resolve
 * is refused without touching the running bundle; the metrics endpoint answers.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SupervisionIT extends SwitchboardTestSupport {

    private static final String GROUPS = "dev.switchboard.groups.internal.GroupsComponent";

    @Test
    public void aFailingComponentIsRestartedThenEscalatedAndRecovers() throws Exception {
        configure("dev.switchboard.supervisor", "maxRestarts", 3, "periodSeconds", 60, "checkMillis", 100);
        Supervision supervision = service(Supervision.class);
        await("the supervisor with the test's intensity", Duration.ofSeconds(30), () -> supervision().health() == Supervision.Health.GREEN);
        long restartsBefore = supervision().restarts();
        configure("dev.switchboard.groups", "maxMembers", 1); // activation now throws
        await(() -> "escalation; " + supervision().components(), Duration.ofSeconds(30),
                () -> supervision().health() == Supervision.Health.RED);
        Supervision.Component groups = component(GROUPS);
        assertTrue(groups.escalated());
        assertEquals("restarted exactly its intensity, then left alone", 3, groups.restarts());
        assertEquals(3, supervision().restarts() - restartsBefore);
        assertTrue(groups.lastFailure(), groups.lastFailure().contains("maxMembers"));
        Thread.sleep(500); // several of the supervisor's looks (every 100 ms): none may restart it again
        assertEquals("no restarts after escalating", 3, component(GROUPS).restarts());

        configure("dev.switchboard.groups", "maxMembers", 1024); // the fix: it activates again
        await(() -> "recovery; " + supervision().components(), Duration.ofSeconds(30),
                () -> supervision().health() == Supervision.Health.GREEN);
        assertFalse(component(GROUPS).escalated());
    }

    @Test
    public void aBrokenDeployUnderTrafficIsRolledBackAndAnUnresolvableOneRefused() throws Exception {
        int pairs = 10;
        List<SwitchboardClient> clients = new ArrayList<>();
        List<Chatter> chatters = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong acked = new AtomicLong();
        try {
            for (int i = 0; i < 2 * pairs; i++) {
                register(user(i));
                clients.add(login(user(i)));
            }
            for (int i = 0; i < 2 * pairs; i++) {
                Chatter c = new Chatter(clients.get(i), user(i ^ 1), 8, 1_000_000, 120_000, acked);
                chatters.add(c);
                Thread t = new Thread(c, "chatter-" + i);
                threads.add(t);
                t.start();
            }
            await("traffic", Duration.ofSeconds(30), () -> acked.get() > 200);
            Bundle routing = bundle("dev.switchboard.routing");
            String version = routing.getVersion().toString();
            SafeDeploy deploy = service(SafeDeploy.class);

            // the router's class is missing from this jar: it resolves, but its component cannot activate
            SafeDeploy.Result broken = deploy.deploy(new ByteArrayInputStream(brokenRouting("0.1.0.broken")), "broken-routing.jar");
            assertEquals(broken.toString(), "rolled-back", broken.outcome());
            assertEquals(version, routing.getVersion().toString());
            assertTrue(broken.detail(), broken.detail().contains("did not come up"));

            // this one needs a package nobody exports: refused before anything is touched
            long before = routing.getLastModified();
            SafeDeploy.Result unresolvable = deploy.deploy(new ByteArrayInputStream(unresolvableRouting()), "unresolvable.jar");
            assertEquals(unresolvable.toString(), "refused", unresolvable.outcome());
            assertTrue(unresolvable.detail(), unresolvable.detail().contains("no.such.pkg"));
            assertEquals(before, routing.getLastModified());

            long after = acked.get();
            await("traffic after the rollback", Duration.ofSeconds(30), () -> acked.get() > after + 200);
            chatters.forEach(c -> c.stop = true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            for (int i = 0; i < 2 * pairs; i++) {
                Chatter sender = chatters.get(i);
                assertTrue("client " + i + " stayed connected", clients.get(i).isOpen());
                assertTrue(sender.awaitAllAcked(30_000));
                assertEquals(List.of(), sender.ackErrors);
                List<Long> got = new ArrayList<>();
                SwitchboardClient receiver = clients.get(i ^ 1);
                String from = user(i);
                await(() -> "messages of client " + from, Duration.ofSeconds(30), () -> {
                    got.addAll(Chatter.receivedFrom(receiver, from));
                    return got.size() >= sender.sent;
                });
                List<Long> expected = new ArrayList<>();
                for (long s = 1; s <= sender.sent; s++) {
                    expected.add(s);
                }
                assertEquals("messages of client " + i + " exactly once, in order", expected, got);
            }
            assertTrue(service(Supervision.class).components().stream().noneMatch(Supervision.Component::escalated));

            String metrics = metrics();
            for (String name : List.of("switchboard_connections ", "switchboard_sessions ", "switchboard_logins_total ",
                    "switchboard_frames_in_total ", "switchboard_frames_out_total ", "switchboard_messages_routed_total ",
                    "switchboard_offline_waiting ", "switchboard_swaps_total ", "switchboard_restarts_total ",
                    "switchboard_health ", "switchboard_heap_used_bytes ")) {
                assertTrue(name + " in\n" + metrics, metrics.contains("\n" + name) || metrics.startsWith(name));
            }
            assertTrue(metrics, metrics.contains("switchboard_swaps_total 2"));
        } finally {
            chatters.forEach(c -> c.stop = true);
            clients.forEach(SwitchboardClient::close);
        }
    }

    private String metrics() throws IOException {
        String port = context.getProperty("org.osgi.service.http.port");
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
        assertEquals(200, c.getResponseCode());
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String user(int i) {
        return String.valueOf(1_559_500_000L + i);
    }

    private Supervision supervision() {
        try {
            return service(Supervision.class);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private Supervision.Component component(String name) {
        return supervision().components().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no component " + name));
    }

    private void configure(String pid, Object... keyValues) throws Exception {
        Configuration config = service(ConfigurationAdmin.class).getConfiguration(pid, "?");
        Dictionary<String, Object> props = config.getProperties() == null ? new Hashtable<>() : config.getProperties();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        config.update(props);
    }

    /** The routing jar with its component class removed and a new version: it resolves, and cannot activate. */
    private static byte[] brokenRouting(String version) throws IOException {
        return rewrite(jar("bundles/routing", "routing"), version, null, "dev/switchboard/routing/internal/RouterComponent.class");
    }

    /** The routing jar importing a package nobody exports. */
    private static byte[] unresolvableRouting() throws IOException {
        return rewrite(jar("bundles/routing", "routing"), "0.1.0.unresolvable", "no.such.pkg", null);
    }

    private static byte[] rewrite(Path jar, String version, String extraImport, String drop) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            main.put(new Attributes.Name("Bundle-Version"), version);
            if (extraImport != null) {
                main.put(new Attributes.Name("Import-Package"), main.getValue("Import-Package") + "," + extraImport);
            }
            try (JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    if (e.getName().equals(drop)) {
                        continue;
                    }
                    jarOut.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jarOut);
                    jarOut.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }
}
