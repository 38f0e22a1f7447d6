package io.fragtrace.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Help source lines become paragraphs picocli wraps once; examples and blank-line openings stay as written. */
class HelpParagraphsTest {

    @Test
    void proseJoinsUntilAFullStopExamplesAndBlankLinesStay() {
        String[] in = {"Replay a bundle's trace into the model, starting from the", "kernel's exact dump.",
                "A page freed in a batch is", "one free.",
                "%nExamples:", "  fragtrace replay a --out b", "  fragtrace replay c --out d",
                "%nOutput folder: docs/replay-output.md; what it may replace:", "docs/outputs.md.", "Exit codes: 0."};
        assertArrayEquals(new String[] {"Replay a bundle's trace into the model, starting from the kernel's exact dump.",
                "A page freed in a batch is one free.",
                "%nExamples:", "  fragtrace replay a --out b", "  fragtrace replay c --out d",
                "%nOutput folder: docs/replay-output.md; what it may replace: docs/outputs.md.", "Exit codes: 0."},
                HelpParagraphs.join(in));
    }
}
