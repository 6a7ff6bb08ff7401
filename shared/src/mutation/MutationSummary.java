import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Prints the mutation score of each package from PIT's mutations.xml, lists the mutants that survived, and
 * exits 1 when a package scores below the floor. Run by the mutation profile as a single-file program
 * (java MutationSummary.java mutations.xml 90), so it is compiled into nothing that ships.
 *
 * <p>The score is PIT's: detected (killed, timed out, memory or run error, non-viable) over all mutants.
 */
public class MutationSummary {
    static final class Tally {
        int total;
        int detected;
        int survived;
        int uncovered;
        int errors;
        final List<String> alive = new ArrayList<>();

        double score() {
            return total == 0 ? 100 : 100.0 * detected / total;
        }
    }

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args[0]);
        double floor = args.length > 1 ? Double.parseDouble(args[1]) : 0;
        if (!Files.exists(report)) {
            System.err.println("No PIT report at " + report);
            System.exit(2);
        }
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        NodeList mutations = factory.newDocumentBuilder().parse(report.toFile()).getElementsByTagName("mutation");
        Map<String, Tally> byPackage = new TreeMap<>();
        Tally all = new Tally();
        for (int i = 0; i < mutations.getLength(); i++) {
            Element m = (Element) mutations.item(i);
            String mutatedClass = text(m, "mutatedClass");
            String pkg = mutatedClass.substring(0, mutatedClass.lastIndexOf('.'));
            String status = m.getAttribute("status");
            boolean detected = Boolean.parseBoolean(m.getAttribute("detected"));
            for (Tally t : List.of(byPackage.computeIfAbsent(pkg, p -> new Tally()), all)) {
                t.total++;
                if (detected) {
                    t.detected++;
                    if (status.equals("RUN_ERROR") || status.equals("MEMORY_ERROR")) {
                        t.errors++;
                    }
                } else if (status.equals("NO_COVERAGE")) {
                    t.uncovered++;
                } else {
                    t.survived++;
                }
            }
            if (!detected) {
                byPackage.get(pkg).alive.add(String.format("  %-11s %s:%s %s (%s)", status,
                        mutatedClass.substring(pkg.length() + 1), text(m, "lineNumber"), text(m, "description"),
                        text(m, "mutatedMethod")));
            }
        }
        String prefix = common(byPackage.keySet());
        System.out.println();
        System.out.printf("Mutation score by package (floor %.0f%%)%n", floor);
        System.out.printf("  %-28s %8s %9s %9s %9s %7s%n", "package", "mutants", "detected", "survived", "no cover", "score");
        List<String> below = new ArrayList<>();
        for (var e : byPackage.entrySet()) {
            Tally t = e.getValue();
            String name = e.getKey().substring(prefix.length());
            boolean low = t.score() < floor;
            if (low) {
                below.add(name);
            }
            System.out.printf("  %-28s %8d %9d %9d %9d %6.1f%%%s%n", name, t.total, t.detected, t.survived, t.uncovered,
                    t.score(), low ? "  < floor" : "");
        }
        System.out.printf("  %-28s %8d %9d %9d %9d %6.1f%%%n", "all", all.total, all.detected, all.survived,
                all.uncovered, all.score());
        if (all.errors > 0) {
            // PIT counts a mutant whose test run failed to run as detected; many of them mean the run itself broke
            // (class files changed under it, a starved machine), so the scores above are not to be trusted.
            System.out.println("  of the detected, " + all.errors + " ended in a run or memory error rather than a failing test");
        }
        System.out.println();
        for (var e : byPackage.entrySet()) {
            if (!e.getValue().alive.isEmpty()) {
                System.out.println("Not detected in " + e.getKey() + ":");
                e.getValue().alive.forEach(System.out::println);
            }
        }
        if (!below.isEmpty()) {
            System.out.println("Below the floor of " + floor + "%: " + String.join(", ", below));
            System.exit(1);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent();
    }

    /** The package prefix every name shares, up to a dot: "io.wanvideo.gateway." */
    private static String common(Iterable<String> names) {
        String prefix = null;
        for (String n : names) {
            String candidate = n + ".";
            if (prefix == null) {
                // The parent package at most: a run over one package still names it.
                prefix = n.substring(0, n.lastIndexOf('.') + 1);
            }
            while (!candidate.startsWith(prefix)) {
                prefix = prefix.substring(0, prefix.lastIndexOf('.', prefix.length() - 2) + 1);
            }
        }
        return prefix == null ? "" : prefix;
    }
}
