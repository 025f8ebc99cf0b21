import Foundation
import TrueNorth
/// The IBM toolchain's spike files (docs/interop.md, spec: nscs-format.md): `.sfti` text and
/// `.sfri` (RAWI3) binary inputs, and RAWO6 binary outputs.
///
/// Timing: an input spike has a source time `srcTime` and arrives `defaultDestinationDelay`
/// ticks later (the header's value, or a spike's own `"delay"` in text files), so tnsim
/// integrates it in tick srcTime + delay. The writers use a delay of 1 and so cannot write a spike
/// for tick 0. Core ids are the linear ids of tnsim (row-major, x fastest).
///
/// RAWO6 (docs/interop.md, "RAWO6 layouts"): six big-endian uint32 per spike. tnsim writes the
/// NSCS layout pytruenorth reads: field 0 the tick the neuron fired, fields 3 and 4 its
/// destination as the model gives it (`RAWO6Destinations`: for an output pin the output-bus
/// core, -32 unless an IBM model.json said otherwise, and the pin; for an axon its core id and
/// the axon), and keeps the neuron's identity in fields 1 (core) and 2 (neuron); field 5 is 0.
/// Its header carries `"tnsimLayout":2`. Three layouts are read, told apart by that header member and by
/// the sign of field 3: `tnsimLayout` 2 = tnsim's NSCS layout; otherwise a record whose field 3
/// is negative (as Int32) is an NSCS recording (tick, ?, ?, destCore, destAxon, ?): its pin is
/// field 4 and its core and neuron are unknown (-1), since NSCS documents no fields 1 and 2;
/// otherwise the record is tnsim's layout before issue 21: (tick, 0, 0, core, neuron, pin).
public enum IBMSpikeFile {
  /// What the first bytes of a file say it is, or nil when it is no IBM spike file.
  public enum Kind: String, Sendable {
    /// `.sfti`: text input spikes.
    case textInput = "TEXT"
    /// `.sfri`: RAWI3 binary input spikes.
    case binaryInput = "RAWI3"
    /// RAWO6 binary output spikes.
    case binaryOutput = "RAWO6"
  }

  /// The one-line JSON header of a binary file, compact as the toolchain writes it, before the
  /// 0xFF byte that ends it.
  static func headerBytes(encoding: String, delay: Int?, tnsimLayout: Int? = nil) -> [UInt8] {
    var w = JSONTextWriter()
    w.beginObject(.compact)
    w.member("class", "SpikeWriter")
    w.member("nscsVersion", "1.4.0")
    w.member("encoding", encoding)
    if let delay { w.member("defaultDestinationDelay", delay) }
    if let tnsimLayout { w.member("tnsimLayout", tnsimLayout) }
    w.endObject()
    return w.bytes + [0xFF]
  }

  /// The second header line of a text file, spaced exactly as the toolchain writes it.
  static let textVersionLine = Array("{\"version\":\"sfto1.0\", \"defaultDestinationDelay\" : 1}\n".utf8)

  /// Detects an IBM spike file from its first bytes: a JSON header of class SpikeWriter.
  public static func detect(_ head: [UInt8]) -> Kind? {
    guard head.first == UInt8(ascii: "{") else { return nil }
    let end = head.firstIndex(where: { $0 == 0x0A || $0 == 0xFF }) ?? head.count
    let text = String(decoding: head[..<end], as: UTF8.self)
    guard text.contains("SpikeWriter") else { return nil }
    for kind in [Kind.binaryOutput, .binaryInput, .textInput] where text.contains("\"\(kind.rawValue)\"") { return kind }
    return nil
  }

  // MARK: - Reading

  /// The kind of the file at `path` from its first 512 bytes, or nil.
  /// - Throws: `InputError` when the file cannot be read.
  static func detect(path: String) throws(InputError) -> Kind? {
    guard let h = FileHandle(forReadingAtPath: path) else { _ = try readFile(path); throw InputError(file: path, message: "cannot be read") }
    defer { try? h.close() }
    return detect([UInt8]((try? h.read(upToCount: 512)) ?? Data()))
  }

  /// Reads `.sfti` or `.sfri` input spikes, sorted by tick.
  /// - Throws: `InputError` naming the file, the line (text) or record and byte offset (binary),
  ///   and the field: a bad header, a cut-off record, a value out of range.
  public static func readInput(path: String) throws(InputError) -> SpikeList<InputSpike> {
    switch try detect(path: path) {
    case .textInput: return try TextStream(path: path).sortedList()
    case .binaryInput: return try readBinary(try readFile(path), path: path)
    case .binaryOutput: throw InputError(file: path, line: 1, message: "holds output spikes (RAWO6); expected input spikes")
    case nil: throw InputError(file: path, line: 1, message: "not an IBM spike file: expected a {\"class\":\"SpikeWriter\", ...} header")
    }
  }

  /// The longest `.sfti` line read (a spike line is under 100 bytes).
  static let maxTextLineBytes = 1 << 16

  /// `.sfti` spikes read line by line from the file (`TextLines`), with the line of each.
  struct TextStream: SpikeFileSource {
    typealias Record = InputSpike
    let path: String
    var lines: TextLines
    /// The header's `defaultDestinationDelay` (default 1).
    var delay: Int64 = 1
    var lastLine: Int?

    init(path: String) throws(InputError) {
      self.path = path
      lines = try TextLines(path: path, maxLineBytes: IBMSpikeFile.maxTextLineBytes,
        lineDescription: "an .sfti line holds one {\"spike\": {...}} object")
    }

    var lastLocation: (line: Int?, path: String?) { (lastLine, nil) }

    mutating func nextRecord() throws(InputError) -> InputSpike? {
      while var text = try lines.next() {
        let line = lines.line
        if line == 1 && text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        if let s = try spike(text, line: line) {
          lastLine = line
          return s
        }
      }
      guard lines.line > 0 else { throw InputError(file: path, message: "empty file: expected the SpikeWriter header") }
      return nil
    }

    /// The spike on one line, or nil for a header or blank line.
    mutating func spike(_ text: ArraySlice<UInt8>, line: Int) throws(InputError) -> InputSpike? {
      if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
      let c: JSONCursor
      do {
        c = JSONCursor(try JSONNode.parse(Array(text)), file: path)
      } catch {
        throw InputError(file: path, line: line, message: "invalid JSON at column \(error.column): \(error.message)")
      }
      do throws(InputError) {
        if line == 1 {
          try c.rejectUnknownKeys(["class", "encoding", "nscsVersion"])
          guard try c.required("encoding").string() == "TEXT" else { throw c.fail("expected \"encoding\": \"TEXT\"") }
          return nil
        }
        if try c.optional("spike") == nil {
          // The second header line: {"version":"sfto1.0", "defaultDestinationDelay": 1}.
          try c.rejectUnknownKeys(["version", "defaultDestinationDelay"])
          if let d = try c.optional("defaultDestinationDelay") { delay = Int64(try d.int(in: 0...15)) }
          return nil
        }
        try c.rejectUnknownKeys(["spike"])
        let s = try c.required("spike")
        try s.rejectUnknownKeys(["srcTime", "destCore", "destAxon", "delay"])
        let time = Int64(try s.required("srcTime").int(in: 0...Int(UInt32.max)))
        let d = try s.optional("delay").map { v throws(InputError) in Int64(try v.int(in: 0...15)) } ?? delay
        return InputSpike(
          tick: time + d, core: Int32(try s.required("destCore").int(in: 0...Int(Int32.max))),
          axon: Int32(try s.required("destAxon").int(in: 0...255)))
      } catch {
        var e = error
        e.line = line
        throw e
      }
    }
  }

  /// The JSON header before the 0xFF marker of a binary file, and the offset of the first record.
  static func binaryHeader(_ bytes: [UInt8], path: String, encoding: String) throws(InputError) -> (JSONCursor, Int) {
    guard let marker = bytes.prefix(65536).firstIndex(of: 0xFF) else {
      throw InputError(file: path, path: "header", message: "no 0xFF byte ends the header (truncated or not a \(encoding) file)")
    }
    let header: JSONCursor
    do {
      header = JSONCursor(try JSONNode.parse(Array(bytes[..<marker])), file: path, path: "header")
    } catch {
      throw InputError(file: path, path: "header", message: "invalid JSON at column \(error.column): \(error.message)")
    }
    let found = try header.required("encoding").string()
    guard found == encoding else { throw try header.required("encoding").fail("\"\(found)\"; expected \"\(encoding)\"") }
    return (header, marker + 1)
  }

  static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
    UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
  }

  static func records(_ bytes: [UInt8], from start: Int, size: Int, path: String) throws(InputError) -> Int {
    let remainder = (bytes.count - start) % size
    guard remainder == 0 else {
      let k = (bytes.count - start) / size
      throw InputError(file: path, path: "record \(k + 1)",
        message: "truncated: \(remainder) of \(size) bytes at byte offset \(start + k * size)")
    }
    return (bytes.count - start) / size
  }

  static func readBinary(_ bytes: [UInt8], path: String) throws(InputError) -> SpikeList<InputSpike> {
    let (header, start) = try binaryHeader(bytes, path: path, encoding: "RAWI3")
    let delay = Int64(try header.optional("defaultDestinationDelay")?.int(in: 0...15) ?? 1)
    return try list(bytes, from: start, size: 12, path: path) { o, k throws(InputError) in
      try decodeInput(bytes, o, record: k, offset: o, delay: delay, path: path)
    }
  }

  /// The fixed-size records of `bytes` from `start`, each decoded by `decode(offset, number)`
  /// (numbers from 1), with its location for later errors.
  static func list<R: SpikeRecord>(
    _ bytes: [UInt8], from start: Int, size: Int, path: String, _ decode: (Int, Int) throws(InputError) -> R
  ) throws(InputError) -> SpikeList<R> {
    let count = try records(bytes, from: start, size: size, path: path)
    var out: [R] = []
    var locations: [(line: Int?, path: String?)] = []
    out.reserveCapacity(count)
    for k in 0..<count {
      let o = start + k * size
      out.append(try decode(o, k + 1))
      locations.append((nil, "record \(k + 1) at byte offset \(o)"))
    }
    return SpikeList(path: path, records: out, locations: locations)
  }

  /// The RAWI3 record at `o` of `bytes`, record number `k` at byte `offset` of the file.
  static func decodeInput(_ bytes: [UInt8], _ o: Int, record k: Int, offset: Int, delay: Int64, path: String) throws(InputError) -> InputSpike {
    let core = u32(bytes, o + 4), axon = u32(bytes, o + 8)
    guard core <= UInt32(Int32.max), axon <= 255 else {
      throw InputError(file: path, path: "record \(k) " + (axon > 255 ? "axon" : "core"),
        message: "value \(axon > 255 ? axon : core) is out of range at byte offset \(offset); allowed: "
          + (axon > 255 ? "0...255" : "0...\(Int32.max)"))
    }
    return InputSpike(tick: Int64(u32(bytes, o)) + delay, core: Int32(core), axon: Int32(axon))
  }

  /// The output-bus core of NSCS and pytruenorth (`NEURON_DEST_OUT`): the destination core of
  /// a spike sent off the chip when the model states no other (`IBMOutputBus`).
  public static let outputBusCore: Int32 = IBMOutputBus.defaultCore

  /// The RAWO6 layout tnsim writes (the header member `"tnsimLayout"`; see the type's comment).
  static let rawo6Layout = 2

  /// Whether a RAWO6 header says tnsim wrote the file in its NSCS layout (`"tnsimLayout":2`).
  static func isTnsimLayout(_ header: JSONCursor) throws(InputError) -> Bool {
    guard let v = try header.optional("tnsimLayout") else { return false }
    _ = try v.int(in: rawo6Layout...rawo6Layout)
    return true
  }

  /// The RAWO6 record at `o` of `bytes`, record number `k` at byte `offset` of the file, in
  /// tnsim's NSCS layout when `tnsimLayout`, else an NSCS recording (field 3 negative) or tnsim's
  /// layout before issue 21 (field 3 a core id).
  static func decodeOutput(_ bytes: [UInt8], _ o: Int, record k: Int, offset: Int, tnsimLayout: Bool = false, path: String) throws(InputError) -> OutputSpike {
    let tick = Int64(u32(bytes, o))
    let destCore = Int32(bitPattern: u32(bytes, o + 12)), destAxon = u32(bytes, o + 16)
    func fail(_ field: String, _ value: UInt32, _ allowed: String) -> InputError {
      InputError(file: path, path: "record \(k) \(field)", message: "value \(value) is out of range at byte offset \(offset); allowed: \(allowed)")
    }
    if tnsimLayout || destCore < 0 {
      // NSCS: fields 3 and 4 are the destination; tnsim keeps the neuron in fields 1 and 2.
      var pin: Int32 = -1
      if destCore < 0 {
        guard destAxon <= 255 || destAxon == UInt32.max else { throw fail("destination axon (field 4)", destAxon, "0...255") }
        pin = max(Int32(bitPattern: destAxon), -1)
      }
      guard tnsimLayout else { return OutputSpike(tick: tick, core: -1, neuron: -1, pin: pin) }
      let core = u32(bytes, o + 4), neuron = u32(bytes, o + 8)
      guard core <= UInt32(Int32.max) else { throw fail("core (field 1)", core, "0...\(Int32.max)") }
      guard neuron <= 255 else { throw fail("neuron (field 2)", neuron, "0...255") }
      return OutputSpike(tick: tick, core: Int32(core), neuron: Int32(neuron), pin: pin)
    }
    // tnsim before issue 21: (tick, 0, 0, core, neuron, pin).
    guard destAxon <= 255 else { throw fail("neuron (field 4)", destAxon, "0...255") }
    let pin = Int32(bitPattern: u32(bytes, o + 20))
    return OutputSpike(tick: tick, core: destCore, neuron: Int32(destAxon), pin: max(pin, -1))
  }

  /// Reads RAWO6 output spikes, sorted by tick.
  /// - Throws: `InputError` for a bad header or a cut-off record (naming its byte offset).
  public static func readOutput(path: String) throws(InputError) -> SpikeList<OutputSpike> {
    let bytes = try readFile(path)
    let (header, start) = try binaryHeader(bytes, path: path, encoding: "RAWO6")
    let layout = try isTnsimLayout(header)
    return try list(bytes, from: start, size: 24, path: path) { o, k throws(InputError) in
      try decodeOutput(bytes, o, record: k, offset: o, tnsimLayout: layout, path: path)
    }
  }

  // MARK: - Writing

  static func srcTime(_ s: InputSpike) throws(ConversionError) -> UInt32 {
    guard s.tick >= 1, s.tick - 1 <= Int64(UInt32.max) else {
      throw ConversionError(format: "IBM spike file", field: "tick",
        message: "an input spike for tick \(s.tick) (core \(s.core), axon \(s.axon)): IBM inputs arrive "
          + "defaultDestinationDelay = 1 tick after srcTime, so tick 0 cannot be written")
    }
    return UInt32(s.tick - 1)
  }

  /// The first line of a `.sfti` file, as the toolchain writes it.
  static var textHeaderLine: [UInt8] {
    var header = JSONTextWriter()
    header.beginObject(.compact)
    header.member("class", "SpikeWriter")
    header.member("encoding", "TEXT")
    header.member("nscsVersion", "1.4.0")
    header.endObject()
    header.endLine()
    return header.bytes
  }

  /// Appends one `.sfti` spike line (srcTime = tick - 1).
  /// - Throws: `ConversionError` for a spike in tick 0.
  static func appendText(_ s: InputSpike, to out: inout [UInt8]) throws(ConversionError) {
    var w = JSONTextWriter()
    w.beginObject(.compact)
    w.key("spike")
    w.beginObject(.compact)
    w.member("srcTime", try srcTime(s))
    w.member("destCore", s.core)
    w.member("destAxon", s.axon)
    w.endObject()
    w.endObject()
    w.endLine()
    out += w.bytes
  }

  /// Appends one RAWI3 record (srcTime = tick - 1, core, axon).
  /// - Throws: `ConversionError` for a spike in tick 0.
  static func appendBinary(_ s: InputSpike, to out: inout [UInt8]) throws(ConversionError) {
    append(try srcTime(s), to: &out)
    append(UInt32(s.core), to: &out)
    append(UInt32(s.axon), to: &out)
  }

  /// Appends one RAWO6 record in NSCS's layout: tick, core, neuron, destination core and axon
  /// (`destination`, fields 3 and 4), 0.
  static func appendBinary(_ s: OutputSpike, destination: (core: Int32, axon: Int32), to out: inout [UInt8]) {
    append(UInt32(truncatingIfNeeded: s.tick), to: &out)
    append(UInt32(bitPattern: s.core), to: &out)
    append(UInt32(bitPattern: s.neuron), to: &out)
    append(UInt32(bitPattern: destination.core), to: &out)
    append(UInt32(bitPattern: destination.axon), to: &out)
    append(0, to: &out)
  }

  /// `.sfti` text of input spikes (srcTime = tick - 1, defaultDestinationDelay 1).
  /// - Throws: `ConversionError` for a spike in tick 0.
  public static func textInputBytes(_ spikes: [InputSpike]) throws(ConversionError) -> [UInt8] {
    var out = textHeaderLine + textVersionLine
    for s in spikes { try appendText(s, to: &out) }
    return out
  }

  static func append(_ v: UInt32, to out: inout [UInt8]) {
    out += [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)]
  }

  /// `.sfri` (RAWI3) bytes of input spikes (srcTime = tick - 1, defaultDestinationDelay 1).
  /// - Throws: `ConversionError` for a spike in tick 0.
  public static func binaryInputBytes(_ spikes: [InputSpike]) throws(ConversionError) -> [UInt8] {
    var out = headerBytes(encoding: "RAWI3", delay: 1)
    out.reserveCapacity(out.count + spikes.count * 12)
    for s in spikes { try appendBinary(s, to: &out) }
    return out
  }

  /// RAWO6 bytes of output spikes in NSCS's layout (docs/interop.md): tick, core, neuron,
  /// destination core, destination axon, 0. With `destinations` (the model that fired them), a
  /// spike goes to what the model gives its neuron: (output-bus core, pin) or (core id, axon);
  /// without, a spike to pin p goes to (-32, p) and any other to (-1, -1). The header says
  /// `"tnsimLayout":2`.
  public static func binaryOutputBytes(_ spikes: [OutputSpike], destinations: RAWO6Destinations? = nil) -> [UInt8] {
    var out = headerBytes(encoding: "RAWO6", delay: nil, tnsimLayout: rawo6Layout)
    out.reserveCapacity(out.count + spikes.count * 24)
    for s in spikes {
      appendBinary(s, destination: destinations?.fields(of: s) ?? RAWO6Destinations.fieldsWithoutModel(s), to: &out)
    }
    return out
  }

  /// A streamed writer of `.sfti` input spikes: the header, then one line per spike, written
  /// in 1 MiB pieces to a temporary that becomes the file on `close()`.
  public static func textInputWriter(path: String) throws(InputError) -> IBMSpikeWriter<InputSpike> {
    try IBMSpikeWriter(path: path, header: textHeaderLine + textVersionLine) { s, out throws(ConversionError) in try appendText(s, to: &out) }
  }

  /// A streamed writer of `.sfri` (RAWI3) input spikes.
  public static func binaryInputWriter(path: String) throws(InputError) -> IBMSpikeWriter<InputSpike> {
    try IBMSpikeWriter(path: path, header: headerBytes(encoding: "RAWI3", delay: 1)) { s, out throws(ConversionError) in
      try appendBinary(s, to: &out)
    }
  }

  /// A streamed writer of RAWO6 output spikes, with destinations as `binaryOutputBytes`.
  public static func binaryOutputWriter(path: String, destinations: RAWO6Destinations? = nil) throws(InputError) -> IBMSpikeWriter<OutputSpike> {
    try IBMSpikeWriter(path: path, header: headerBytes(encoding: "RAWO6", delay: nil, tnsimLayout: rawo6Layout)) { s, out in
      appendBinary(s, destination: destinations?.fields(of: s) ?? RAWO6Destinations.fieldsWithoutModel(s), to: &out)
    }
  }
}
