/// A stream of spike records in tick order, from anywhere: a file reader, a generator, an array.
public protocol SpikeSource<Record> {
  associatedtype Record
  /// The next record, or nil at the end.
  /// - Throws: whatever the source cannot read (a file reader's error names the file and line).
  mutating func next() throws -> Record?
}

/// A destination for spike records, written in tick order: a file writer, or memory.
public protocol SpikeSink<Record>: AnyObject {
  associatedtype Record
  /// Adds one record.
  /// - Throws: whatever the destination cannot take.
  func write(_ record: Record) throws
}

/// Spikes held in an array, read front to back.
public struct ArraySpikeSource<Record>: SpikeSource {
  public let records: [Record]
  /// How many records `next()` has returned.
  public private(set) var position = 0

  public init(_ records: [Record]) { self.records = records }

  public mutating func next() -> Record? {
    guard position < records.count else { return nil }
    defer { position += 1 }
    return records[position]
  }
}

/// A sink that keeps every record in memory, in the order written.
public final class MemorySpikeSink<Record>: SpikeSink {
  public private(set) var records: [Record] = []

  public init() {}

  public func write(_ record: Record) { records.append(record) }
}
