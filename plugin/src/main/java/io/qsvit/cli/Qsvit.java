package io.qsvit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qsvit.UserInputException;
import io.qsvit.artifact.ToolVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;


/** The {@code qsvit} command: one subcommand per pipeline step. */
@Command(name = "qsvit", mixinStandardHelpOptions = true, versionProvider = Qsvit.Version.class,
        description = "Mixed-precision post-training quantization of spiking vision transformers.",
        subcommands = {InspectCommand.class, ApplyCommand.class, EvaluateCommand.class, ExploreCommand.class, BenchmarkCommand.class, CommandLine.HelpCommand.class})
public final class Qsvit implements Runnable {
    /** How commands print JSON for machines. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Exit code of a bad input (a usage error is picocli's 2). */
    public static final int EXIT_BAD_INPUT = 1;
    /** Exit code of a failure that is our fault, not the user's. */
    public static final int EXIT_INTERNAL_ERROR = 70;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests run it in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Qsvit()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UserInputException) {
                cmd.getErr().println("qsvit: error: " + e.getMessage());
                return EXIT_BAD_INPUT;
            }
            cmd.getErr().println("qsvit: internal error: " + e);
            return EXIT_INTERNAL_ERROR;
        });
    }

    /** Prints the project version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"qsvit " + ToolVersion.get()};
        }
    }
}
