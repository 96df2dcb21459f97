package io.vigie.bench.jmh.correlation;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A/B of two builds of the engine in one JVM: each benchmark jar is loaded in a class loader of its own (so each
 * build's classes are compiled by the JIT separately), and the two run the same {@link CorrelationCpuTime} workload
 * in alternating rounds, timed by thread CPU time. Both builds see the same neighbours in each pair of rounds, which
 * on a shared machine is the only comparison that survives its noise (separate JVMs moved by ±30% here).
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.vigie.bench.jmh.correlation.PairedJars before.jar after.jar
 * eventCount 10000 2000000}: prints per round the ns per event of each, then the median ratio before/after (above 1:
 * the second jar is faster). Both jars must carry {@link CorrelationCpuTime} (any build since it exists).
 */
public final class PairedJars {
    private static final int WARMUP_ROUNDS = 4;
    private static final int ROUNDS = 12;

    private PairedJars() {
    }

    /** One build: its own class loader, its workload, and its round runner. */
    private static final class Build {
        final String name;
        final Object stream;
        final Method run;

        Build(final String jar, final String workload, final int keys) throws ReflectiveOperationException,
            java.net.MalformedURLException {
            name = Path.of(jar).getFileName().toString();
            // Parent: the platform loader, so no class of this jar's own build leaks in from the application path.
            final ClassLoader loader = new URLClassLoader("build-" + name, new URL[] {Path.of(jar).toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
            final Class<?> cpu = Class.forName(CorrelationCpuTime.class.getName(), true, loader);
            final Method stream = cpu.getDeclaredMethod("stream", String.class, int.class);
            stream.setAccessible(true);
            this.stream = stream.invoke(null, workload, keys);
            run = Arrays.stream(cpu.getDeclaredMethods()).filter(m -> m.getName().equals("run")).findFirst()
                .orElseThrow();
            run.setAccessible(true);
        }

        long round(final int events, final ThreadMXBean mx) throws ReflectiveOperationException {
            return (Long) run.invoke(null, stream, events, mx);
        }
    }

    /** Entry point: {@code before.jar after.jar [workload] [keys] [events per round]}. */
    public static void main(final String[] args) throws Exception {
        final String workload = args.length > 2 ? args[2] : "eventCount";
        final int keys = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        final int events = args.length > 4 ? Integer.parseInt(args[4]) : 2_000_000;
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final Build a = new Build(args[0], workload, keys);
        final Build b = new Build(args[1], workload, keys);
        final double[] ratios = new double[ROUNDS];
        final double[] nsA = new double[ROUNDS];
        final double[] nsB = new double[ROUNDS];
        for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
            // Alternate which build goes first, so neither always runs right after the other's garbage.
            final boolean aFirst = (round & 1) == 0;
            final long first = (aFirst ? a : b).round(events, mx);
            final long second = (aFirst ? b : a).round(events, mx);
            final long cpuA = aFirst ? first : second;
            final long cpuB = aFirst ? second : first;
            if (round >= WARMUP_ROUNDS) {
                final int r = round - WARMUP_ROUNDS;
                nsA[r] = cpuA / (double) events;
                nsB[r] = cpuB / (double) events;
                ratios[r] = cpuA / (double) cpuB;
                System.out.printf(Locale.ROOT, "%s keys=%d round=%d %s=%.1f %s=%.1f ns/event ratio=%.2f%n", workload,
                    keys, r, a.name, nsA[r], b.name, nsB[r], ratios[r]);
            }
        }
        Arrays.sort(ratios);
        Arrays.sort(nsA);
        Arrays.sort(nsB);
        System.out.printf(Locale.ROOT, "# median %s=%.1f %s=%.1f ns/event, median ratio %s/%s=%.2f (min %.2f, max "
            + "%.2f)%n", a.name, median(nsA), b.name, median(nsB), a.name, b.name, median(ratios), ratios[0],
            ratios[ROUNDS - 1]);
    }

    private static double median(final double[] sorted) {
        return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
