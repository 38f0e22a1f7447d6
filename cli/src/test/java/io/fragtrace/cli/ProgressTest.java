package io.fragtrace.cli;

import io.fragtrace.parser.TraceInput;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The bar goes to stderr only when stderr is a terminal and --quiet is not given. */
class ProgressTest {
    @Test
    void noBarWhenStderrIsNotATerminal() throws Exception {
        // the test JVM's stderr is a pipe or file (surefire), so what it points at decides, not System.console()
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.exists(fd2)) {
            String target = Files.readSymbolicLink(fd2).toString();
            assertEquals(target.startsWith("/dev/pts/") || target.startsWith("/dev/tty"), Progress.stderrIsTerminal(),
                    target);
        }
        TraceInput in = TraceInput.of(io.fragtrace.parser.Samples.bundle("fragment-thp-256M").toString());
        try (Progress p = Progress.start(in, false, () -> 0)) {
            assertEquals(Progress.stderrIsTerminal() && System.getenv("CI") == null, p.active());
        }
        try (Progress p = Progress.start(in, true, () -> 0)) {
            assertFalse(p.active(), "--quiet");
        }
    }
}
