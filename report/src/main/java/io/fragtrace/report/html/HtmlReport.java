package io.fragtrace.report.html;

import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.model.Migratetypes;
import io.fragtrace.report.AtomicOutput;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The report of one replay output folder: {@code report.html} (one self-contained file), a PNG per chart and the CSV
 * behind each chart, all written into the folder. The CSV headers are documented in docs/report.md. Each section of
 * the page is its own class (SummarySection, IndexSections, ZoneSections, ExtfragSection, CompactionSection,
 * DaemonSection, AllocSection, BlameSection); their numbers come from summary.json and stats.json as the run wrote them.
 */
public final class HtmlReport {
    public static final String FILE = "report.html";
    /** Equal-width time bins of the compaction success chart. */
    public static final int COMPACTION_BINS = 20;
    /** At most this many time bins in the buddyinfo heat map. */
    public static final int HEATMAP_BINS = 60;
    static final List<String> MIGRATETYPES = Migratetypes.lowerCase(Migratetypes.WITH_CMA);
    static final List<String> CONTEXTS = List.of("DIRECT", "KCOMPACTD", "PROACTIVE", "MANUAL");

    private HtmlReport() {
    }

    /** Writes report.html, the chart PNGs and CSVs into the replay output folder itself. */
    public static void write(Path replayOutputDir) throws TraceInputException, IOException {
        write(replayOutputDir, replayOutputDir);
    }

    /**
     * The report of a run, into the folder it is writing: drawn from the files the run has just rendered in memory
     * (name → bytes, the same bytes it writes), not read back from disk. Files that do not read as a replay output
     * here are a fault of the writer, reported as an I/O error.
     */
    public static void writeForRun(Path dir, Map<String, byte[]> runFiles) throws IOException {
        try {
            writeInto(dir, render(ReplayFolder.of(dir, runFiles)));
        } catch (TraceInputException e) {
            throw new IOException("report.html: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a replay output folder and writes the report files into {@code outDir}. Everything is rendered in memory
     * first; each file is then written completely or not at all, report.html last.
     */
    public static void write(Path replayOutputDir, Path outDir) throws TraceInputException, IOException {
        writeInto(outDir, render(ReplayFolder.load(replayOutputDir)));
    }

    private static void writeInto(Path outDir, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            AtomicOutput.writeFile(outDir.resolve(e.getKey()), o -> o.write(e.getValue()));
        }
    }

    /**
     * Rebuilds the report of existing replay output folders:
     * {@code java -cp fragtrace-all.jar io.fragtrace.report.html.HtmlReport DIR...}. Exit 2 with one line on stderr
     * when a folder is not a replay output.
     */
    public static void main(String[] args) {
        try {
            for (String a : args) {
                write(Path.of(a));
                System.out.println(Path.of(a).resolve(FILE));
            }
        } catch (TraceInputException | IOException e) {
            System.err.println("fragtrace: " + e.getMessage());
            System.exit(2);
        }
    }

    /** File name → content: the chart PNGs and CSVs, then report.html. */
    public static Map<String, byte[]> render(ReplayFolder f) {
        Section s = new Section(f);
        try (s.pngs) {
            SummarySection summary = new SummarySection(s);
            summary.header();
            summary.summary();
            new CalibrationSection(s).write();
            IndexSections index = new IndexSections(s);
            index.fragmentation();
            index.unusable();
            index.buddyinfo();
            ZoneSections zones = new ZoneSections(s);
            zones.migratetypes();
            zones.mixed();
            zones.regions();
            new MemorySection(s).write();
            new ExtfragSection(s).write();
            new BlameSection(s).write();
            new CompactionSection(s).compaction();
            new DaemonSection(s).daemons();
            MechanismSections mech = new MechanismSections(s);
            mech.reporting();
            mech.reserves();
            mech.nonLru();
            new AllocSection(s).allocations();
            summary.markerList();
            s.pngs.into(s.files);
            s.files.put(FILE, s.page.bytes());
        }
        return s.files;
    }
}
