package io.vigie.ops.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures its streams. */
final class Cli {
    final int code;
    final String out;
    final String err;

    private Cli(final int code, final String out, final String err) {
        this.code = code;
        this.out = out;
        this.err = err;
    }

    static Cli run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = VigieCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Cli(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit=" + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
