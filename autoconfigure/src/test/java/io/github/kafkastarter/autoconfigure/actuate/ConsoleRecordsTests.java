package io.github.kafkastarter.autoconfigure.actuate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How the console shows record bytes and reads the headers typed in its form.
 */
class ConsoleRecordsTests {

	@Test
	void textIsShownAsIs() {
		assertThat(ConsoleRecords.text("{\"größe\": 1}".getBytes(StandardCharsets.UTF_8))).isEqualTo("{\"größe\": 1}");
		assertThat(ConsoleRecords.text(null)).isNull();
	}

	@Test
	void bytesThatAreNotTextAreShownAsBase64() {
		assertThat(ConsoleRecords.text(new byte[] { (byte) 0xff, 0, 1 })).isEqualTo("base64:/wAB");
	}

	@Test
	void longValuesAreCutEvenInsideACharacter() {
		byte[] ascii = new byte[ConsoleRecords.MAX_SHOWN_BYTES + 10];
		Arrays.fill(ascii, (byte) 'a');
		assertThat(ConsoleRecords.text(ascii)).hasSize(ConsoleRecords.MAX_SHOWN_BYTES);
		// 'ä' is two bytes: the cut falls between them.
		byte[] umlauts = "ä".repeat(ConsoleRecords.MAX_SHOWN_BYTES).getBytes(StandardCharsets.UTF_8);
		assertThat(ConsoleRecords.text(Arrays.copyOf(umlauts, ConsoleRecords.MAX_SHOWN_BYTES + 1)))
			.isEqualTo("ä".repeat(ConsoleRecords.MAX_SHOWN_BYTES / 2));
	}

	@Test
	void headersAreOneNameAndValueALine() {
		assertThat(ConsoleRecords.headers("source: console\r\n\ntrace:42:43\nsource: again")).containsExactly(
				Map.entry("source", "console"), Map.entry("trace", "42:43"), Map.entry("source", "again"));
		assertThat(ConsoleRecords.headers(null)).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> ConsoleRecords.headers("no colon here"));
	}

}
