package io.github.kafkastarter.autoconfigure.support;

import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * Real web applications on a random port, for what operators and Kubernetes see over
 * HTTP: the actuator endpoint and the health probes.
 */
public final class WebApps {

	private WebApps() {
	}

	/**
	 * Starts a servlet web application on a random port.
	 * @param sources the configuration classes
	 * @param properties the properties
	 * @return the running application
	 */
	public static ConfigurableApplicationContext start(Class<?>[] sources, String... properties) {
		return new SpringApplicationBuilder(sources).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	/**
	 * An HTTP client for a running application.
	 * @param context the application
	 * @return a client for {@code http://localhost:<port>}
	 */
	public static RestClient http(ConfigurableApplicationContext context) {
		String port = context.getEnvironment().getProperty("local.server.port");
		return RestClient.create("http://localhost:" + port);
	}

	/**
	 * Sends a request and returns its status code and body, whatever the status.
	 * @param http the client
	 * @param method GET or POST
	 * @param path the path
	 * @param body the JSON body of a POST, or {@code null}
	 * @return the response
	 */
	public static Response exchange(RestClient http, String method, String path, Map<String, ?> body) {
		RestClient.RequestBodySpec request = http.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(path)
			.accept(MediaType.APPLICATION_JSON, MediaType.valueOf("application/vnd.spring-boot.actuator.v3+json"));
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(body);
		}
		return request.exchange((req, res) -> new Response(res.getStatusCode().value(),
				new String(res.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
	}

	/**
	 * A response.
	 *
	 * @param status the HTTP status code
	 * @param body the body
	 */
	public record Response(int status, String body) {

		public DocumentContext json() {
			return JsonPath.parse(this.body);
		}

	}

}
