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
  /// The record of checked fields in column order, without an array: the file readers' hot path
  /// (an input spike ignores `f3`).
  init(_ f0: Int64, _ f1: Int64, _ f2: Int64, _ f3: Int64)
  /// The fields in column order, without an array (an input spike's `3` is 0): the writers' hot path.
  var packedFields: (Int64, Int64, Int64, Int64) { get }
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
  /// The spike of checked fields in column order; `f3` is ignored.
  @inlinable public init(_ f0: Int64, _ f1: Int64, _ f2: Int64, _ f3: Int64) {
    self.init(tick: f0, core: Int32(truncatingIfNeeded: f1), axon: Int32(truncatingIfNeeded: f2))
  }
  /// tick, core, axon, 0.
  @inlinable public var packedFields: (Int64, Int64, Int64, Int64) { (tick, Int64(core), Int64(axon), 0) }
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
  /// The spike of checked fields in column order.
  @inlinable public init(_ f0: Int64, _ f1: Int64, _ f2: Int64, _ f3: Int64) {
    self.init(tick: f0, core: Int32(truncatingIfNeeded: f1), neuron: Int32(truncatingIfNeeded: f2), pin: Int32(truncatingIfNeeded: f3))
  }
  /// tick, core, neuron, pin.
  @inlinable public var packedFields: (Int64, Int64, Int64, Int64) { (tick, Int64(core), Int64(neuron), Int64(pin)) }
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
  /// How far `buffer` has been searched for the newline that ends the current line: a line
  /// across reads is not searched again (a 100 MB line took 25 s when it was).
  var scanned = 0
  /// 1-based line of the last CSV record read, or index of the last binary record.
  public private(set) var recordNumber = 0
  var line = 0
  var lastTick: Int64 = -1
  /// When false, records may come in any tick order (`tnsim diff` sorts what it reads).
  public var requiresTickOrder = true
  /// Bytes asked of the file per read (tests make it small to put lines across reads).
  var readSize = 1 << 20
  /// `Record`'s fields and their ranges, read once: the generic record type's static members
  /// cost a call and an array each per record otherwise.
  let layout = _SpikeLayout(fields: Record.columns.count, ranges: Record.ranges, binarySize: Record.binarySize)
  /// `format == .csv`, kept: comparing formats compares their names.
  let isCSV: Bool

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
      isCSV = false
      guard probe.count == 16 else { throw InputError(file: path, message: "truncated header (\(probe.count) of 16 bytes)") }
      guard probe[8] == 1 else { throw InputError(file: path, message: "binary spike format version \(probe[8]); this tnsim reads version 1") }
      guard probe[9] == Record.binaryKind else {
        throw InputError(file: path, message: "holds \(probe[9] == 0 ? "input" : "output") spikes; expected \(Record.binaryKind == 0 ? "input" : "output") spikes (\(Record.columns.joined(separator: ",")))")
      }
      consumedBytes = 16
      probe = []
    } else {
      format = .csv
      isCSV = true
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
      scanned = max(scanned - offset, 0)
      offset = 0
    }
    guard let d = try? handle.read(upToCount: readSize), !d.isEmpty else {
      eof = true
      return false
    }
    buffer += d
    return true
  }

  /// The longest line read: a spike file's lines are a header, comments and records of a few
  /// numbers; a longer line is refused before it is gathered whole.
  static var maxLineBytes: Int { 1 << 16 }

  /// The next line without its newline, or nil at the end.
  /// - Throws: `InputError` for a line longer than `maxLineBytes`.
  mutating func nextLine() throws(InputError) -> Substring? {
    while true {
      if let nl = buffer[max(scanned, offset)...].firstIndex(of: 0x0A) {
        let s = Substring(decoding: buffer[offset..<nl], as: UTF8.self)
        offset = nl + 1
        scanned = offset
        line += 1
        return s
      }
      scanned = buffer.count
      if buffer.count - offset > Self.maxLineBytes {
        throw InputError(file: path, line: line + 1, message: "the line is longer than \(Self.maxLineBytes) bytes; a spike file's lines "
          + "are the header '\(Record.columns.joined(separator: ","))', comments and records of \(Record.columns.count) integers")
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
    while let l = try nextLine() {
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
    guard let f = try isCSV ? nextCSVFields() : nextBinaryFields() else { return nil }
    if requiresTickOrder && f.0 < lastTick {
      throw InputError(file: path, line: isCSV ? line : nil, path: isCSV ? "tick" : "record \(recordNumber)",
        message: "tick \(f.0) comes after tick \(lastTick); spikes must be in tick order")
    }
    lastTick = f.0
    return Record(f.0, f.1, f.2, f.3)
  }

  /// The next CSV record, skipping blank lines and comments.
  ///
  /// A line of plain decimal fields (`12,3,255`, each in range, ending in a newline) is read
  /// straight from the buffer bytes by `scanPlainLine`, with no string or array; any other line
  /// (spaces, a sign, a comment, a carriage return, a bad or out-of-range value, the last line
  /// without a newline) goes to `parseGeneralLine`, which accepts what it always accepted and
  /// throws the error naming the line and field. Tests compare the two with an obvious reader.
  mutating func nextCSVFields() throws(InputError) -> _SpikeFields? {
    while true {
      switch buffer.withUnsafeBufferPointer({ layout.scanPlainLine($0, from: offset) }) {
      case .record(let f, let next):
        offset = next
        line += 1
        recordNumber = line
        return f
      case .incomplete:
        if fill() { continue }
      case .other:
        break
      }
      guard let l = try nextLine() else { return nil }
      if let f = try parseGeneralLine(l) { return f }
    }
  }

  /// One line by the general rules: nil for a blank line or a comment, else the record.
  /// - Throws: `InputError` naming the line and field of a bad value.
  mutating func parseGeneralLine(_ l: Substring) throws(InputError) -> _SpikeFields? {
    let t = l.trimmingCharacters(in: .whitespaces)
    if t.isEmpty || t.hasPrefix("#") { return nil }
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
    return (f[0], f[1], f[2], f.count > 3 ? f[3] : 0)
  }

  /// The next fixed-size little-endian record of a binary file.
  mutating func nextBinaryFields() throws(InputError) -> _SpikeFields? {
    let n = layout.binarySize
    while buffer.count - offset < n {
      if !fill() {
        if buffer.count > offset {
          throw InputError(file: path, path: "record \(recordNumber + 1)",
            message: "truncated: \(buffer.count - offset) of \(n) bytes at byte offset \(consumedBytes)")
        }
        return nil
      }
    }
    let o = offset
    let f = buffer.withUnsafeBytes { b in
      (Int64(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt32.self))),
       Int64(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: o + 4, as: UInt32.self))),
       Int64(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: o + 8, as: UInt16.self))),
       n == 16 ? Int64(Int32(littleEndian: b.loadUnaligned(fromByteOffset: o + 12, as: Int32.self))) : 0)
    }
    recordNumber += 1
    if let k = layout.fieldOutOfRange(f) {
      throw InputError(file: path, path: "record \(recordNumber) \(Record.columns[k])",
        message: "value \(layout.field(f, k)) is out of range at byte offset \(consumedBytes); allowed: \(Record.ranges[k].lowerBound)...\(Record.ranges[k].upperBound)")
    }
    offset += n
    consumedBytes += n
    return f
  }

  /// The line of the last CSV record, or `record N` of the last binary one.
  public var lastLocation: (line: Int?, path: String?) {
    isCSV ? (recordNumber, nil) : (nil, "record \(recordNumber)")
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
  /// `buffer[0..<used]` is written yet to the file.
  ///
  /// `buffer`, `used` and `count` skip the run-time exclusivity check of class properties (a
  /// quarter of the time of writing a record, `swift_beginAccess` in the profile): a writer is
  /// used by one thread at a time and no access to them overlaps another.
  @exclusivity(unchecked) var used = 0
  /// `format == .csv`, and `Record`'s field count and binary size, kept for the per-record path.
  let isCSV: Bool
  let fieldCount = Record.columns.count
  let binarySize = Record.binarySize
  /// `Record.ranges`, for the per-record range check.
  let ranges = Record.ranges
  @exclusivity(unchecked) var buffer: [UInt8]
  /// Records written so far.
  @exclusivity(unchecked) public private(set) var count = 0

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
    isCSV = !binary
    file = try AtomicFile(path: path)
    let header = binary ? SpikeReader<Record>.magic + [1, Record.binaryKind, 0, 0, 0, 0, 0, 0]
      : Array((Record.columns.joined(separator: ",") + "\n").utf8)
    buffer = [UInt8](repeating: 0, count: Self.flushSize + max(64, header.count))
    buffer.replaceSubrange(0..<header.count, with: header)
    used = header.count
  }

  /// Bytes buffered before a write to the file; the buffer has room for one more record.
  static var flushSize: Int { 1 << 20 }

  /// Appends one record (buffered).
  /// - Throws: `InputError` when a field does not fit the format (naming the spike) or a full
  ///   buffer cannot be written; the file is then abandoned.
  public func write(_ r: Record) throws(InputError) {
    let f = r.packedFields
    // A value the format cannot hold (a tick past 2^32 - 1 from an IBM srcTime + delay) is
    // refused, naming the spike, instead of wrapping in .tnspk or writing what the CSV reader refuses.
    if let k = fieldOutOfRange(f) { throw refusal(r, field: k) }
    let csv = isCSV, fieldCount = fieldCount, binarySize = binarySize, start = used
    used += buffer.withUnsafeMutableBufferPointer { whole in
      let line = UnsafeMutableBufferPointer(rebasing: whole[start...])
      var n = 0
      if csv {
        n = Self.appendDecimal(f.0, to: line, at: n)
        line[n] = UInt8(ascii: ","); n += 1
        n = Self.appendDecimal(f.1, to: line, at: n)
        line[n] = UInt8(ascii: ","); n += 1
        n = Self.appendDecimal(f.2, to: line, at: n)
        if fieldCount == 4 {
          line[n] = UInt8(ascii: ","); n += 1
          n = Self.appendDecimal(f.3, to: line, at: n)
        }
        line[n] = 0x0A; n += 1
      } else {
        let raw = UnsafeMutableRawBufferPointer(line)
        raw.storeBytes(of: UInt32(truncatingIfNeeded: f.0).littleEndian, toByteOffset: 0, as: UInt32.self)
        raw.storeBytes(of: UInt32(truncatingIfNeeded: f.1).littleEndian, toByteOffset: 4, as: UInt32.self)
        raw.storeBytes(of: UInt16(truncatingIfNeeded: f.2).littleEndian, toByteOffset: 8, as: UInt16.self)
        raw.storeBytes(of: 0, toByteOffset: 10, as: UInt16.self)
        if binarySize == 16 { raw.storeBytes(of: Int32(truncatingIfNeeded: f.3).littleEndian, toByteOffset: 12, as: Int32.self) }
        n = binarySize
      }
      return n
    }
    count += 1
    if used >= Self.flushSize { try flush() }
  }

  /// The first field of `f` outside its range in `Record.ranges` (kept in `ranges`, read once
  /// per writer rather than per record), or nil.
  @inline(__always)
  func fieldOutOfRange(_ f: (Int64, Int64, Int64, Int64)) -> Int? {
    let r = ranges
    if !r[0].contains(f.0) { return 0 }
    if !r[1].contains(f.1) { return 1 }
    if !r[2].contains(f.2) { return 2 }
    if r.count > 3 && !r[3].contains(f.3) { return 3 }
    return nil
  }

  /// Abandons the file and names the spike whose field `k` the format cannot hold.
  func refusal(_ r: Record, field k: Int) -> InputError {
    file.discard()
    let f = r.fields
    let spike = zip(Record.columns, f).map { "\($0) \($1)" }.joined(separator: ", ")
    let range = Record.ranges[k]
    return InputError(
      file: path, path: "spike \(count + 1)", field: Record.columns[k], value: "\(f[k])", allowed: "\(range.lowerBound)...\(range.upperBound)",
      message: "(\(spike)): \(Record.columns[k]) \(f[k]) does not fit \(format.name); allowed: \(range.lowerBound)...\(range.upperBound)")
  }

  /// Writes `value` in decimal at `line[at...]` (at most 20 bytes); returns the end.
  @inline(__always)
  static func appendDecimal(_ value: Int64, to line: UnsafeMutableBufferPointer<UInt8>, at: Int) -> Int {
    var n = at
    if value < 0 {
      line[n] = UInt8(ascii: "-")
      n += 1
    }
    var magnitude = value.magnitude
    var digits = 1
    var scale: UInt64 = 10
    while digits < 19 && magnitude >= scale {
      digits += 1
      scale &*= 10
    }
    if digits == 19 && magnitude >= scale { digits = 20 }
    var k = n + digits - 1
    repeat {
      line[k] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
      magnitude /= 10
      k -= 1
    } while magnitude > 0
    return n + digits
  }

  func flush() throws(InputError) {
    do throws(InputError) {
      try file.write(Array(buffer[0..<used]))
    } catch {
      file.discard()
      throw error
    }
    used = 0
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

/// A record's fields in column order (an input spike's fourth is 0).
typealias _SpikeFields = (Int64, Int64, Int64, Int64)

/// A spike record type's layout as plain values, and the byte-level scan of one CSV line: the
/// one hand-written parser of spike files (tests compare it with an obvious reader).
struct _SpikeLayout {
  /// Fields per record: 3 or 4.
  let fields: Int
  /// Lowest and highest allowed value of each field (unused fields 0...0).
  let low: _SpikeFields
  let high: _SpikeFields
  /// Bytes per binary record.
  let binarySize: Int

  init(fields: Int, ranges: [ClosedRange<Int64>], binarySize: Int) {
    self.fields = fields
    self.binarySize = binarySize
    func bound(_ k: Int, _ f: (ClosedRange<Int64>) -> Int64) -> Int64 { k < ranges.count ? f(ranges[k]) : 0 }
    low = (bound(0, \.lowerBound), bound(1, \.lowerBound), bound(2, \.lowerBound), bound(3, \.lowerBound))
    high = (bound(0, \.upperBound), bound(1, \.upperBound), bound(2, \.upperBound), bound(3, \.upperBound))
  }

  @inline(__always)
  func field(_ f: _SpikeFields, _ k: Int) -> Int64 {
    switch k {
    case 0: return f.0
    case 1: return f.1
    case 2: return f.2
    default: return f.3
    }
  }

  /// The first field outside its range, or nil.
  @inline(__always)
  func fieldOutOfRange(_ f: _SpikeFields) -> Int? {
    if f.0 < low.0 || f.0 > high.0 { return 0 }
    if f.1 < low.1 || f.1 > high.1 { return 1 }
    if f.2 < low.2 || f.2 > high.2 { return 2 }
    if fields > 3 && (f.3 < low.3 || f.3 > high.3) { return 3 }
    return nil
  }

  /// What `scanPlainLine` found at the start of a line.
  enum PlainLine {
    /// A plain record; the next line starts at `next`.
    case record(_SpikeFields, next: Int)
    /// The buffer ends before the line does.
    case incomplete
    /// Anything else: for the general line parser.
    case other
  }

  /// Reads `fields` comma-separated fields of at most 10 decimal digits (after an optional '-'),
  /// each within its range, then a newline, from `bytes[start...]`.
  @inline(__always)
  func scanPlainLine(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> PlainLine {
    var p = start
    var f: _SpikeFields = (0, 0, 0, 0)
    for k in 0..<fields {
      guard p < bytes.count else { return .incomplete }
      let negative = bytes[p] == UInt8(ascii: "-")
      if negative { p += 1 }
      let first = p
      var x: Int64 = 0
      // At most 11 digits are looked at: a longer run is no plain field, and scanning it whole
      // on every read of a long line made reading quadratic.
      while p < bytes.count && p - first <= 10 {
        let d = bytes[p] &- 0x30
        if d >= 10 { break }
        x = x &* 10 &+ Int64(d)
        p += 1
      }
      guard p - first <= 10 else { return .other }
      guard p < bytes.count else { return .incomplete }
      guard p > first else { return .other }
      if negative { x = -x }
      guard bytes[p] == (k == fields - 1 ? 0x0A : UInt8(ascii: ",")) else { return .other }
      p += 1
      switch k {
      case 0: f.0 = x
      case 1: f.1 = x
      case 2: f.2 = x
      default: f.3 = x
      }
    }
    if fieldOutOfRange(f) != nil { return .other }
    return .record(f, next: p)
  }
}
