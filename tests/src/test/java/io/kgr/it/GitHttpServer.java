package io.kgr.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** A real Git smart-HTTP server (JGit's GitServlet on Jetty) serving one bare repository behind a token. */
public final class GitHttpServer implements AutoCloseable {
    private final Server server;

    private GitHttpServer(Server server) {
        this.server = server;
    }

    /** Serves {@code bare} as /repo.git; every request needs HTTP basic auth whose password is {@code token}. */
    public static GitHttpServer start(Path bare, String token) throws Exception {
        GitServlet git = new GitServlet();
        git.setRepositoryResolver((req, name) -> {
            if (!name.equals("repo.git")) throw new RepositoryNotFoundException(name);
            try {
                return new FileRepositoryBuilder().setGitDir(bare.toFile()).setMustExist(true).build();
            } catch (IOException e) {
                throw new RepositoryNotFoundException(name, e);
            }
        });
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(git), "/*");
        context.addFilter(new FilterHolder(new TokenFilter(token)), "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        return new GitHttpServer(server);
    }

    public String url() {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return "http://127.0.0.1:" + port + "/repo.git";
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private record TokenFilter(String token) implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            String auth = ((HttpServletRequest) request).getHeader("Authorization");
            if (auth != null && auth.startsWith("Basic ")) {
                String decoded = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
                if (decoded.endsWith(":" + token)) {
                    chain.doFilter(request, response);
                    return;
                }
            }
            HttpServletResponse http = (HttpServletResponse) response;
            http.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
            http.sendError(401);
        }
    }
}
