package io.github.kafkastarter.autoconfigure.parallel;

/**
 * Which records of a parallel listener must be processed one after the other.
 */
public enum Ordering {

	/**
	 * Records with the same key (in the same partition) are processed in offset order,
	 * different keys in parallel. Records without a key have no order among themselves.
	 */
	KEY,

	/**
	 * Records of the same partition are processed in offset order: a plain listener's
	 * behaviour. The listener is left as it is.
	 */
	PARTITION,

	/**
	 * No order: every record may run beside any other.
	 */
	UNORDERED

}
