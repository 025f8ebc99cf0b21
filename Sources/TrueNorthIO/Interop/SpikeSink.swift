import TrueNorth
/// A destination for spike records in any supported format: tnsim's CSV and binary files, the
/// IBM toolchain's files and RANC's output text. Records must be written in tick order; the file
/// is complete only after `close()`.
public protocol SpikeFileSink<Record>: SpikeSink where Record: SpikeRecord {
  var path: String { get }
  /// Writes what is buffered and moves the finished file into place.
  func close() throws
}

extension SpikeWriter: SpikeFileSink {}

/// A sink that collects records in memory and writes a whole file on `close()`: for formats whose
/// header or layout depends on every record (RANC's output has one line per tick).
public final class BufferedSpikeSink<Record: SpikeRecord>: SpikeFileSink {
  public let path: String
  public private(set) var records: [Record] = []
  let encode: ([Record]) throws -> [UInt8]

  /// - Parameter encode: turns every record into the file's bytes; may throw a `ConversionError`.
  public init(path: String, encode: @escaping ([Record]) throws -> [UInt8]) {
    self.path = path
    self.encode = encode
  }

  public func write(_ record: Record) throws { records.append(record) }

  public func close() throws { try writeFileAtomically(try encode(records), to: path) }
}
