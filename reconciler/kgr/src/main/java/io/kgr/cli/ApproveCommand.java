package io.kgr.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "approve", mixinStandardHelpOptions = true,
        description = "Approve the steps a kgr serve source holds (approvals.hold in kgr.yaml) for a commit: its next run"
                + " applies them. Calls POST /api/v1/sources/<source>/approve with the API token.")
final class ApproveCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--api", paramLabel = "URL", required = true, description = "kgr serve's address, e.g. http://kgr.kgr.svc:8080.")
    URI api;

    @Option(names = "--source", paramLabel = "NAME", required = true, description = "The source whose held steps to approve.")
    String source;

    @Option(names = "--commit", paramLabel = "SHA", description = "The commit to approve (default: the one whose steps are held).")
    String commit;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The API token (server.apiTokenFile of kgr.yaml).")
    Path tokenFile;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String url = api.toString().replaceAll("/$", "") + "/api/v1/sources/" + URLEncoder.encode(source, StandardCharsets.UTF_8)
                + "/approve" + (commit == null ? "" : "?commit=" + URLEncoder.encode(commit, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (tokenFile != null) {
            request.header("Authorization", "Bearer " + Files.readString(tokenFile, StandardCharsets.UTF_8).trim());
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        var out = response.statusCode() == 202 ? spec.commandLine().getOut() : spec.commandLine().getErr();
        out.print((response.statusCode() == 202 ? "" : "kgr: " + response.statusCode() + ": ") + response.body());
        out.flush();
        return response.statusCode() == 202 ? ExitCodes.OK : ExitCodes.ERROR;
    }
}
