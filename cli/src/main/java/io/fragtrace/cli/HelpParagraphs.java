package io.fragtrace.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands' descriptions and footers are written as source lines of up to 100 characters; picocli prints each
 * element on its own line and wraps it at 80 columns, which left every other line a stub ("...from the start" /
 * "state up to it..."). Consecutive prose lines are joined here into one paragraph that picocli wraps once (to the
 * terminal's width when it can tell). A line ending with a full stop still ends its line; indented lines (examples,
 * tables) and lines opening with %n (a blank line) are kept as written.
 */
final class HelpParagraphs {
    private HelpParagraphs() {
    }

    /** Reflows the description and footer of the command and of all its subcommands. */
    static void apply(CommandLine cl) {
        UsageMessageSpec u = cl.getCommandSpec().usageMessage();
        u.description(join(u.description()));
        u.footer(join(u.footer()));
        for (CommandLine sub : cl.getSubcommands().values()) {
            apply(sub);
        }
    }

    static String[] join(String[] lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            int last = out.size() - 1;
            if (last >= 0 && prose(out.get(last)) && !ends(out.get(last)) && !line.isEmpty() && prose(line)
                    && !line.startsWith("%n")) {
                out.set(last, out.get(last) + " " + line);
            } else {
                out.add(line);
            }
        }
        return out.toArray(new String[0]);
    }

    private static boolean prose(String line) {
        return !line.isEmpty() && !Character.isWhitespace(line.charAt(0));
    }

    private static boolean ends(String line) {
        String s = line.stripTrailing();
        return s.endsWith(".") || s.endsWith("%n");
    }
}
