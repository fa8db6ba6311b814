package dev.switchboard.journal.internal;

import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.MessageJournalContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The log journal does what every message journal does (the contract the SQL journal runs too). */
class LogJournalContractTest extends MessageJournalContract {

    @TempDir
    Path dir;

    @Override
    protected MessageJournal emptyJournal() throws Exception {
        return new LogJournal(dir, 1 << 20, false);
    }
}
