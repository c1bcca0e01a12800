package io.qsvit.cli;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qsvit.Progress;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Cache;
import io.qsvit.artifact.ToolVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The {@code qsvit} command: one subcommand per pipeline step. */
@Command(name = "qsvit", mixinStandardHelpOptions = true, versionProvider = Qsvit.Version.class,
        description = "Mixed-precision post-training quantization of spiking vision transformers.",
        subcommands = {InspectCommand.class, RunCommand.class, SensitivityCommand.class, SensitivityMergeCommand.class,
                BoundsCommand.class, ExploreCommand.class, ApplyCommand.class, EvaluateCommand.class, BenchmarkCommand.class,
                KfpCommand.class, PushCommand.class, PullCommand.class, GateCommand.class, CommandLine.HelpCommand.class})
public final class Qsvit implements Runnable {
    /** How commands print JSON for machines. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /**
     * Exit code of a bad input: anything qsvit itself checks and refuses, an option's value (--threads 0, two
     * options that exclude each other) as much as a file or folder the options name.
     */
    public static final int EXIT_BAD_INPUT = 1;
    /**
     * Exit code of a usage error: what picocli refuses while parsing the command line (an unknown option, a
     * missing required option, a value of the wrong type such as --batch x).
     */
    public static final int EXIT_USAGE = 2;
    /** Exit code of a release gate that failed (the new model is worse than the released one): nothing was pushed. */
    public static final int EXIT_GATE_FAILED = 3;
    /** Exit code of a failure that is our fault, not the user's. */
    public static final int EXIT_INTERNAL_ERROR = 70;

    @Spec
    CommandSpec spec;

    @Option(names = "--cache-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Cache of step outputs (default: $XDG_CACHE_HOME/qsvit, else ~/.cache/qsvit).")
    Path cacheDir;

    @Option(names = "--no-cache", scope = ScopeType.INHERIT, description = "Run every step; neither read nor fill the cache.")
    boolean noCache;

    @Mixin
    RegistryFlags registry = new RegistryFlags();

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        quietOnnxRuntime();
        System.exit(commandLine().execute(args));
    }

    /**
     * ONNX Runtime's process-wide log at errors only: its graph warnings (an overridable initializer, say, which
     * qsvit's exact split layers use on purpose) are not the user's business. The environment takes its level
     * when first created, so the tool creates it before anything else; a library user keeps their own.
     */
    private static void quietOnnxRuntime() {
        OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "qsvit");
    }

    /** The configured command line; tests run it in-process. */
    public static CommandLine commandLine() {
        Qsvit root = new Qsvit();
        CommandLine commandLine = new CommandLine(root);
        commandLine.setExecutionStrategy(parsed -> root.executeWithCache(commandLine, parsed));
        // a usage error is one line too; --help shows the usage
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("qsvit: error: " + e.getMessage().lines().findFirst().orElse("")
                    + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        return commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UserInputException) {
                // one line, whatever text from an input the message quotes
                cmd.getErr().println("qsvit: error: " + String.valueOf(e.getMessage()).replace("\r", "\\r").replace("\n", "\\n"));
                return EXIT_BAD_INPUT;
            }
            cmd.getErr().println("qsvit: internal error: " + e);
            if (System.getenv("QSVIT_DEBUG") != null) { // the stack trace for a bug report
                e.printStackTrace(cmd.getErr());
            }
            return EXIT_INTERNAL_ERROR;
        });
    }

    /** Runs the command with the cache the options choose, and puts the previous one back afterwards. */
    private int executeWithCache(CommandLine commandLine, ParseResult parsed) {
        // progress lines for logs: on standard error when no person watches a terminal (a terminal gets bars)
        PrintWriter progressOut = commandLine.getErr();
        var previousProgress = Progress.printTo(System.console() != null ? null : line -> {
            progressOut.println(line);
            progressOut.flush();
        });
        try {
            return executeWithCacheAndProgress(commandLine, parsed);
        } finally {
            Progress.printTo(previousProgress);
        }
    }

    private int executeWithCacheAndProgress(CommandLine commandLine, ParseResult parsed) {
        PrintWriter err = commandLine.getErr();
        if (cacheDir == null && !noCache) {
            return executeWithInputs(err, parsed); // the shared default cache, created when a step first needs it
        }
        Cache cache;
        try {
            cache = noCache ? Cache.disabled() : Cache.at(cacheDir, line -> {
                err.println(line);
                err.flush();
            });
        } catch (UserInputException e) {
            err.println("qsvit: error: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        Cache previous = Cache.share(cache);
        try {
            return executeWithInputs(err, parsed);
        } finally {
            Cache.share(previous);
        }
    }

    /** Replaces {@code oci://} references among the command's path options by the pulled folders, then runs it. */
    private int executeWithInputs(PrintWriter err, ParseResult parsed) {
        try {
            RegistryInputs.resolve(parsed, registry, err);
        } catch (UserInputException e) {
            err.println("qsvit: error: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** Prints the project version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"qsvit " + ToolVersion.get()};
        }
    }
}
