import TrueNorth
/// A destination for spike records in any format of `SpikeFormat.all`. Records must be written in
/// tick order; the file appears only after `close()` succeeds.
public protocol SpikeFileSink<Record>: SpikeSink where Record: SpikeRecord {
  /// The file written.
  var path: String { get }
  /// Writes what is buffered and moves the finished file into place.
  func close() throws
  /// Abandons the file: nothing appears under `path`, and no temporary file remains.
  func discard()
}

extension SpikeWriter: SpikeFileSink {}

/// A sink that collects records in memory and writes a whole file on `close()` (atomically): for
/// formats whose header or layout depends on every record (RANC's output has one line per tick).
public final class BufferedSpikeSink<Record: SpikeRecord>: SpikeFileSink {
  /// The file written.
  public let path: String
  /// The records written so far.
  public private(set) var records: [Record] = []
  let encode: ([Record]) throws -> [UInt8]

  /// - Parameter encode: turns every record into the file's bytes; may throw a `ConversionError`.
  public init(path: String, encode: @escaping ([Record]) throws -> [UInt8]) {
    self.path = path
    self.encode = encode
  }

  /// Keeps `record` for `close()`.
  public func write(_ record: Record) throws { records.append(record) }

  /// Encodes every record and writes the file with `writeFileAtomically`.
  /// - Throws: `ConversionError` for records the format cannot express, `InputError` for a file
  ///   that cannot be written.
  public func close() throws { try writeFileAtomically(try encode(records), to: path) }

  /// Forgets the records; nothing was written yet.
  public func discard() { records = [] }
}
