package io.github.kafkastarter.autoconfigure.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnResource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The Kafka console: a page at {@code kafka.starter.console.path} that shows what the
 * {@code kafka} actuator endpoint answers. Served only where the endpoint can be reached
 * from it: when the endpoint is exposed over HTTP on the application's own port, in a
 * servlet web application. The page is static (its assets come from this jar and the uPlot
 * WebJar); all its data comes from the endpoint, so the endpoint's exposure, access and
 * security rules govern what it shows and does.
 */
@AutoConfiguration(after = KafkaEndpointAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnResource(resources = KafkaConsoleAutoConfiguration.UPLOT_POM)
@ConditionalOnBean(KafkaEndpoint.class)
@ConditionalOnAvailableEndpoint(endpoint = KafkaEndpoint.class, exposure = EndpointExposure.WEB)
@ConditionalOnManagementPort(ManagementPortType.SAME)
@ConditionalOnBooleanProperty(name = "kafka.starter.console.enabled", matchIfMissing = true)
@EnableConfigurationProperties(KafkaConsoleProperties.class)
final class KafkaConsoleAutoConfiguration {

	static final String UPLOT_POM = "classpath:META-INF/maven/org.webjars.npm/uplot/pom.properties";

	private static final String ASSETS = "META-INF/kafka-console/";

	@Bean
	@ConditionalOnMissingBean(name = "kafkaConsoleRouter")
	RouterFunction<ServerResponse> kafkaConsoleRouter(KafkaConsoleProperties properties,
			PathMappedEndpoints endpoints) {
		String path = properties.getPath();
		String config = config(path, endpoints.getPath(EndpointId.of("kafka")));
		Resource index = new ClassPathResource(ASSETS + "index.html");
		String name = path.substring(path.lastIndexOf('/') + 1);
		return RouterFunctions.route()
			// Relative: whatever the context and servlet paths, the page's URLs resolve below it.
			.GET(path, (request) -> ServerResponse.status(HttpStatus.FOUND).header("Location", name + "/").build())
			.GET(path + "/", (request) -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).body(index))
			.GET(path + "/config.json",
					(request) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(config))
			.add(RouterFunctions.resources(path + "/lib/uplot/**",
					new ClassPathResource("META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/")))
			.add(RouterFunctions.resources(path + "/**", new ClassPathResource(ASSETS)))
			.build();
	}

	/**
	 * What the page needs to know: where the endpoint is, relative to the page.
	 */
	static String config(String consolePath, String endpointPath) {
		long depth = consolePath.chars().filter((c) -> c == '/').count();
		String relative = "../".repeat((int) depth) + endpointPath.replaceFirst("^/+", "");
		return "{\"endpoint\":\"" + relative.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
	}

	static String uplotVersion() {
		Properties pom = new Properties();
		try (InputStream in = new ClassPathResource(UPLOT_POM.substring("classpath:".length())).getInputStream()) {
			pom.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return pom.getProperty("version");
	}

}
