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

/// A streamed writer of an IBM spike file (`.sfti`, `.sfri`, RAWO6): the header, then each
/// record as it comes, written in 1 MiB pieces to an `AtomicFile` that becomes the file on
/// `close()`, so memory does not grow with the file. The formats hold no count of records, so
/// nothing is patched at the end.
public final class IBMSpikeWriter<Record: SpikeRecord>: SpikeFileSink {
  /// The file written.
  public let path: String
  let file: AtomicFile
  let encode: (Record, inout [UInt8]) throws(ConversionError) -> Void
  var buffer: [UInt8]
  /// Records written so far.
  public private(set) var count = 0

  /// Creates the temporary file and buffers `header`.
  /// - Parameter encode: appends one record's bytes; may refuse it with a `ConversionError`.
  init(path: String, header: [UInt8], encode: @escaping (Record, inout [UInt8]) throws(ConversionError) -> Void) throws(InputError) {
    self.path = path
    file = try AtomicFile(path: path)
    self.encode = encode
    buffer = header
    buffer.reserveCapacity(Self.flushSize + 256)
  }

  /// Bytes buffered before a write to the file.
  static var flushSize: Int { 1 << 20 }

  /// Appends one record (buffered).
  /// - Throws: `ConversionError` for a record the format cannot hold (the file is abandoned),
  ///   `InputError` when the file cannot be written.
  public func write(_ record: Record) throws {
    do throws(ConversionError) {
      try encode(record, &buffer)
    } catch {
      file.discard()
      throw error
    }
    count += 1
    if buffer.count >= Self.flushSize { try flush() }
  }

  func flush() throws(InputError) {
    do throws(InputError) {
      try file.write(buffer)
    } catch {
      file.discard()
      throw error
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes what is buffered and moves the finished file into place.
  /// - Throws: `InputError` when the file cannot be finished; no file and no temporary remain.
  public func close() throws {
    try flush()
    try file.commit()
  }

  /// Abandons the file: removes the temporary; nothing appears under `path`.
  public func discard() { file.discard() }
}
