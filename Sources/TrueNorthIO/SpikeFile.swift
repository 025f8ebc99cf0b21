import Foundation
import TrueNorth

/// A kind of spike record with its text (CSV) and binary layouts (docs/spike-formats.md).
public protocol SpikeRecord: Sendable, Comparable {
  /// The CSV header line's column names.
  static var columns: [String] { get }
  /// The kind byte of the binary header.
  static var binaryKind: UInt8 { get }
  /// Bytes per record in the binary format.
  static var binarySize: Int { get }
  /// Field values in column order, each checked against `ranges`.
  init(fields: [Int64])
  var fields: [Int64] { get }
  static var ranges: [ClosedRange<Int64>] { get }
  var tick: Int64 { get }
}

extension InputSpike: SpikeRecord {
  /// `tick,core,axon`.
  public static let columns = ["tick", "core", "axon"]
  /// 0: input spikes.
  public static let binaryKind: UInt8 = 0
  /// tick u32, core u32, axon u16, 2 zero bytes.
  public static let binarySize = 12
  /// tick 0...2^32-1, core 0...2^31-1, axon 0...255.
  public static let ranges: [ClosedRange<Int64>] = [0...Int64(UInt32.max), 0...Int64(Int32.max), 0...255]
  /// The spike of checked fields in column order.
  public init(fields f: [Int64]) { self.init(tick: f[0], core: Int32(f[1]), axon: Int32(f[2])) }
  /// The fields in column order.
  public var fields: [Int64] { [tick, Int64(core), Int64(axon)] }
}

extension OutputSpike: SpikeRecord {
  /// `tick,core,neuron,pin`.
  public static let columns = ["tick", "core", "neuron", "pin"]
  /// 1: output spikes.
  public static let binaryKind: UInt8 = 1
  /// tick u32, core u32, neuron u16, 2 zero bytes, pin i32.
  public static let binarySize = 16
  /// tick 0...2^32-1, core 0...2^31-1, neuron 0...255, pin -1...2^31-1.
  public static let ranges: [ClosedRange<Int64>] = [0...Int64(UInt32.max), 0...Int64(Int32.max), 0...255, -1...Int64(Int32.max)]
  /// The spike of checked fields in column order.
  public init(fields f: [Int64]) { self.init(tick: f[0], core: Int32(f[1]), neuron: Int32(f[2]), pin: Int32(f[3])) }
  /// The fields in column order.
  public var fields: [Int64] { [tick, Int64(core), Int64(neuron), Int64(pin)] }
}

/// A stream of spike records in tick order from a file of any format: a `SpikeSource` that says
/// where each record came from, so that errors can name the file and line.
public protocol SpikeFileSource<Record>: SpikeSource where Record: SpikeRecord {
  /// The file the spikes come from.
  var path: String { get }
  /// Where the last record came from, for error messages: a line, or a record number.
  var lastLocation: (line: Int?, path: String?) { get }
  /// The next record, or nil at the end.
  mutating func nextRecord() throws(InputError) -> Record?
}

/// Reads a spike file one record at a time (streamed: memory does not grow with the file).
/// Ticks must not decrease from one record to the next.
public struct SpikeReader<Record: SpikeRecord>: SpikeFileSource {
  /// The file read.
  public let path: String
  /// `.csv` or `.tnspk`, from the file's first bytes.
  public let format: SpikeFormat
  let handle: FileHandle
  var buffer: [UInt8] = []
  var offset = 0
  var eof = false
  var consumedBytes = 0
  /// 1-based line of the last CSV record read, or index of the last binary record.
  public private(set) var recordNumber = 0
  var line = 0
  var lastTick: Int64 = -1
  /// When false, records may come in any tick order (`tnsim diff` sorts what it reads).
  public var requiresTickOrder = true

  /// The first 8 bytes of a binary (`.tnspk`) spike file.
  static var magic: [UInt8] { Array("TNSPIKES".utf8) }

  /// Opens a tnsim spike file, CSV or binary, detecting which from its first bytes.
  /// - Throws: `InputError` when the file is missing, the header is wrong or names other columns.
  public init(path: String) throws(InputError) {
    self.path = path
    guard let h = FileHandle(forReadingAtPath: path) else {
      throw InputError(file: path, message: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
    }
    handle = h
    var probe = SpikeReader.peek(h, 16)
    if probe.count >= 8 && Array(probe[0..<8]) == Self.magic {
      format = .tnspk
      guard probe.count == 16 else { throw InputError(file: path, message: "truncated header (\(probe.count) of 16 bytes)") }
      guard probe[8] == 1 else { throw InputError(file: path, message: "binary spike format version \(probe[8]); this tnsim reads version 1") }
      guard probe[9] == Record.binaryKind else {
        throw InputError(file: path, message: "holds \(probe[9] == 0 ? "input" : "output") spikes; expected \(Record.binaryKind == 0 ? "input" : "output") spikes (\(Record.columns.joined(separator: ",")))")
      }
      consumedBytes = 16
      probe = []
    } else {
      format = .csv
      buffer = probe
      try readHeader()
    }
  }

  static func peek(_ h: FileHandle, _ n: Int) -> [UInt8] {
    var out: [UInt8] = []
    while out.count < n, let d = try? h.read(upToCount: n - out.count), !d.isEmpty { out += d }
    return out
  }

  mutating func fill() -> Bool {
    if eof { return false }
    if offset > 0 {
      buffer.removeFirst(offset)
      offset = 0
    }
    guard let d = try? handle.read(upToCount: 1 << 20), !d.isEmpty else {
      eof = true
      return false
    }
    buffer += d
    return true
  }

  /// The next line without its newline, or nil at the end.
  mutating func nextLine() -> Substring? {
    while true {
      if let nl = buffer[offset...].firstIndex(of: 0x0A) {
        let s = Substring(decoding: buffer[offset..<nl], as: UTF8.self)
        offset = nl + 1
        line += 1
        return s
      }
      if !fill() {
        guard offset < buffer.count else { return nil }
        let s = Substring(decoding: buffer[offset...], as: UTF8.self)
        offset = buffer.count
        line += 1
        return s
      }
    }
  }

  mutating func readHeader() throws(InputError) {
    while let l = nextLine() {
      let t = l.trimmingCharacters(in: .whitespacesAndNewlines)
      if t.isEmpty || t.hasPrefix("#") { continue }
      let cols = t.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      guard cols == Record.columns else {
        throw InputError(file: path, line: line, message: "header '\(t)' is not the expected '\(Record.columns.joined(separator: ","))'"
          + (cols.count == 4 ? " (this looks like an output spike file)" : cols.count == 3 ? " (this looks like an input spike file)" : ""))
      }
      return
    }
    throw InputError(file: path, message: "empty file: expected the header line '\(Record.columns.joined(separator: ","))'")
  }

  /// The next spike, or nil at the end of the file.
  /// - Throws: `InputError` naming the line (CSV) or record and byte offset (binary).
  public mutating func nextRecord() throws(InputError) -> Record? {
    guard let record = try format == .csv ? nextCSVRecord() : nextBinaryRecord() else { return nil }
    if requiresTickOrder && record.tick < lastTick {
      throw InputError(file: path, line: format == .csv ? line : nil, path: format == .csv ? "tick" : "record \(recordNumber)",
        message: "tick \(record.tick) comes after tick \(lastTick); spikes must be in tick order")
    }
    lastTick = record.tick
    return record
  }

  /// The next CSV record, skipping blank lines and comments.
  mutating func nextCSVRecord() throws(InputError) -> Record? {
    while let l = nextLine() {
      let t = l.trimmingCharacters(in: .whitespaces)
      if t.isEmpty || t.hasPrefix("#") { continue }
      let parts = t.split(separator: ",", omittingEmptySubsequences: false)
      guard parts.count == Record.columns.count else {
        throw InputError(file: path, line: line, message: "expected \(Record.columns.count) fields (\(Record.columns.joined(separator: ","))), found \(parts.count)")
      }
      var f = [Int64](repeating: 0, count: parts.count)
      for (k, p) in parts.enumerated() {
        let s = p.trimmingCharacters(in: .whitespaces)
        guard let v = Int64(s) else {
          throw InputError(file: path, line: line, path: Record.columns[k], message: "'\(s)' is not an integer")
        }
        guard Record.ranges[k].contains(v) else {
          throw InputError(file: path, line: line, path: Record.columns[k],
            message: "value \(v) is out of range; allowed: \(Record.ranges[k].lowerBound)...\(Record.ranges[k].upperBound)")
        }
        f[k] = v
      }
      recordNumber = line
      return Record(fields: f)
    }
    return nil
  }

  /// The next fixed-size little-endian record of a binary file.
  mutating func nextBinaryRecord() throws(InputError) -> Record? {
    let n = Record.binarySize
    while buffer.count - offset < n {
      if !fill() {
        if buffer.count > offset {
          throw InputError(file: path, path: "record \(recordNumber + 1)",
            message: "truncated: \(buffer.count - offset) of \(n) bytes at byte offset \(consumedBytes)")
        }
        return nil
      }
    }
    func u32(_ at: Int) -> UInt32 {
      UInt32(buffer[at]) | UInt32(buffer[at + 1]) << 8 | UInt32(buffer[at + 2]) << 16 | UInt32(buffer[at + 3]) << 24
    }
    let o = offset
    var f: [Int64] = [Int64(u32(o)), Int64(u32(o + 4)), Int64(UInt16(buffer[o + 8]) | UInt16(buffer[o + 9]) << 8)]
    if n == 16 { f.append(Int64(Int32(bitPattern: u32(o + 12)))) }
    recordNumber += 1
    for k in f.indices where !Record.ranges[k].contains(f[k]) {
      throw InputError(file: path, path: "record \(recordNumber) \(Record.columns[k])",
        message: "value \(f[k]) is out of range at byte offset \(consumedBytes); allowed: \(Record.ranges[k].lowerBound)...\(Record.ranges[k].upperBound)")
    }
    offset += n
    consumedBytes += n
    return Record(fields: f)
  }

  /// The line of the last CSV record, or `record N` of the last binary one.
  public var lastLocation: (line: Int?, path: String?) {
    format == .csv ? (recordNumber, nil) : (nil, "record \(recordNumber)")
  }
}

extension SpikeFileSource {
  /// The next record, or nil at the end: `nextRecord()` as a `SpikeSource`, for the simulator.
  public mutating func next() throws -> Record? { try nextRecord() }

  /// Reads all remaining records (for small files and tests).
  public mutating func readAll() throws(InputError) -> [Record] {
    var out: [Record] = []
    while let r = try nextRecord() { out.append(r) }
    return out
  }
}

/// Writes spike records to a tnsim spike file, CSV or binary, buffered and streamed; the file
/// appears complete under its name only when `close()` succeeds (an `AtomicFile`: written to a
/// temporary beside it, then renamed). A writer that fails, or is dropped unclosed, removes its
/// temporary and leaves no file.
public final class SpikeWriter<Record: SpikeRecord> {
  /// The file written.
  public let path: String
  /// `.csv` or `.tnspk`.
  public let format: SpikeFormat
  let file: AtomicFile
  var buffer: [UInt8] = []
  /// Records written so far.
  public private(set) var count = 0

  /// Creates the file (and any missing folders).
  /// - Parameter format: `.csv` or `.tnspk`; by default the one the extension names, else CSV.
  /// - Throws: `InputError` for another format, or a file that cannot be created.
  public convenience init(path: String, format: SpikeFormat? = nil) throws(InputError) {
    let f = format ?? SpikeFormat.forExtension(of: path) ?? .csv
    guard f == .csv || f == .tnspk else {
      throw InputError(file: path, field: "format", value: f.name, allowed: "csv, tnspk",
        message: "SpikeWriter writes tnsim CSV or .tnspk, not \(f.name)")
    }
    try self.init(path: path, binary: f == .tnspk)
  }

  init(path: String, binary: Bool) throws(InputError) {
    self.path = path
    self.format = binary ? .tnspk : .csv
    file = try AtomicFile(path: path)
    buffer.reserveCapacity(1 << 20)
    if binary {
      buffer += SpikeReader<Record>.magic + [1, Record.binaryKind, 0, 0, 0, 0, 0, 0]
    } else {
      buffer += Array((Record.columns.joined(separator: ",") + "\n").utf8)
    }
  }

  /// Appends one record (buffered).
  /// - Throws: `InputError` when a full buffer cannot be written; the file is then abandoned.
  public func write(_ r: Record) throws(InputError) {
    let f = r.fields
    // A value the format cannot hold (a tick past 2^32 - 1 from an IBM srcTime + delay) is
    // refused, naming the spike, instead of wrapping in .tnspk or writing what the CSV reader refuses.
    for k in f.indices where !Record.ranges[k].contains(f[k]) {
      file.discard()
      let spike = zip(Record.columns, f).map { "\($0) \($1)" }.joined(separator: ", ")
      let range = Record.ranges[k]
      throw InputError(
        file: path, path: "spike \(count + 1)", field: Record.columns[k], value: "\(f[k])", allowed: "\(range.lowerBound)...\(range.upperBound)",
        message: "(\(spike)): \(Record.columns[k]) \(f[k]) does not fit \(format.name); allowed: \(range.lowerBound)...\(range.upperBound)")
    }
    if format == .csv {
      for (k, v) in f.enumerated() {
        if k > 0 { buffer.append(UInt8(ascii: ",")) }
        buffer += Array(String(v).utf8)
      }
      buffer.append(0x0A)
    } else {
      func u32(_ v: UInt32) { buffer += [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24)] }
      u32(UInt32(truncatingIfNeeded: f[0]))
      u32(UInt32(truncatingIfNeeded: f[1]))
      buffer += [UInt8(f[2] & 255), UInt8(f[2] >> 8 & 255)]
      buffer += [0, 0]
      if Record.binarySize == 16 { u32(UInt32(bitPattern: Int32(truncatingIfNeeded: f[3]))) }
    }
    count += 1
    if buffer.count >= 1 << 20 { try flush() }
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

  /// Flushes and moves the file into place.
  /// - Throws: `InputError` when the file cannot be finished; no file and no temporary remain.
  public func close() throws(InputError) {
    try flush()
    try file.commit()
  }

  /// Abandons the file: removes the temporary; nothing appears under `path`.
  public func discard() { file.discard() }
}
