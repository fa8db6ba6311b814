package dev.switchboard.itest;

import org.junit.Before;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * {@link GroupsIT} with the store on the real MariaDB (127.0.0.1:3306 by default): groups and
 * memberships persist there. Fails under CI=true without it, skips loudly elsewhere.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GroupsMariaDbIT extends GroupsIT {

    /** MariaDB keeps what earlier runs left: fresh ids every run. */
    private final String run = "1" + (System.currentTimeMillis() / 1000 % 1_000_000_000L);

    @Before
    public void onMariaDb() throws Exception {
        useMariaDb();
    }

    @Override
    protected String uid(int n) {
        return run + n;
    }
}
