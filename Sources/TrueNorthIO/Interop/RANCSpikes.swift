import TrueNorth
/// RANC's `output.txt` (docs/interop.md, spec: ranc-format.md): a UTF-8 byte-order mark, then
/// one line per tick, each holding num_outputs tokens "0" or "1", each followed by a space.
///
/// Line k (1-based) holds the spikes fired in tnsim tick k - 2 (checked against RANC's own
/// outputs: spec ranc-format.md, "Tick mapping"): a spike fired in tick t by a neuron whose
/// destination is pin p is token p of line t + 2. Line 1 is always all zeros, and a file of N
/// lines holds ticks 0...N - 2 (RANC does not write the last tick it runs). The file has no core
/// or neuron: its spikes read as core -1, neuron -1, pin p, and `tnsim diff` compares them with
/// another file by (tick, pin).
public enum RANCOutputFile {
  static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// Whether the first bytes look like a RANC output: the byte-order mark, then "0" or "1".
  public static func detect(_ head: [UInt8]) -> Bool {
    head.starts(with: bom) && (head.count == 3 || head[3] == UInt8(ascii: "0") || head[3] == UInt8(ascii: "1") || head[3] == 0x0A)
  }

  /// Reads the spikes of an output text, in tick order.
  /// - Throws: `InputError` naming the line and token of anything but "0"/"1", a line with
  ///   another count of tokens than the first, or a "1" on line 1 (which would be tick -1).
  public static func read(path: String) throws(InputError) -> SpikeList<OutputSpike> {
    try read(bytes: try readFile(path), path: path).spikes
  }

  /// The ticks an output text of `lines` lines holds: 0..<lines - 1.
  public static func ticks(lines: Int) -> Range<Int64> { 0..<Int64(max(lines - 1, 0)) }

  /// Reads the spikes of an output text and counts its lines.
  static func read(bytes: [UInt8], path: String) throws(InputError) -> (spikes: SpikeList<OutputSpike>, lines: Int) {
    guard bytes.starts(with: bom) else {
      throw InputError(file: path, line: 1, message: "a RANC output starts with a UTF-8 byte-order mark (EF BB BF)")
    }
    var spikes: [OutputSpike] = []
    var locations: [(line: Int?, path: String?)] = []
    var width: Int?
    var line = 0
    var start = 3
    while start < bytes.count {
      let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
      line += 1
      for pin in try pins(bytes[start..<end], line: line, width: &width, path: path) {
        spikes.append(OutputSpike(tick: Int64(line - 2), core: -1, neuron: -1, pin: pin))
        locations.append((line, "output \(pin)"))
      }
      start = end + 1
    }
    return (SpikeList(path: path, records: spikes, locations: locations), line)
  }

  /// The spikes of an output text, streamed (`TextLines`): the file is checked whole first,
  /// with the errors of `read(path:)`, then read again as the spikes are served, so memory does
  /// not grow with the file.
  /// - Throws: what `read(path:)` throws.
  public static func open(path: String) throws(InputError) -> any SpikeFileSource<OutputSpike> {
    _ = try Stream(path: path).checkedInTickOrder()
    return try Stream(path: path)
  }

  /// The longest line read: two bytes per output, for up to 2^20 outputs.
  static let maxLineBytes = 1 << 21

  /// An output text read line by line; each line's "1" tokens are the spikes of its tick.
  struct Stream: SpikeFileSource {
    typealias Record = OutputSpike
    let path: String
    var lines: TextLines
    var width: Int?
    /// The pins of the current line still to serve, and its tick.
    var pending: [Int32] = []
    var next = 0
    var tick: Int64 = 0
    var last: (line: Int?, path: String?) = (nil, nil)

    init(path: String) throws(InputError) {
      self.path = path
      lines = try TextLines(path: path, maxLineBytes: RANCOutputFile.maxLineBytes, lineDescription: "a RANC output line holds one \"0\" or \"1\" per output")
    }

    var lastLocation: (line: Int?, path: String?) { last }

    mutating func nextRecord() throws(InputError) -> OutputSpike? {
      while next == pending.count {
        guard var text = try lines.next() else {
          guard lines.line > 0 else { throw RANCOutputFile.noMark(path) }
          return nil
        }
        if lines.line == 1 {
          guard text.starts(with: RANCOutputFile.bom) else { throw RANCOutputFile.noMark(path) }
          text = text.dropFirst(3)
        }
        pending = try RANCOutputFile.pins(text, line: lines.line, width: &width, path: path)
        next = 0
        tick = Int64(lines.line - 2)
      }
      let pin = pending[next]
      next += 1
      last = (lines.line, "output \(pin)")
      return OutputSpike(tick: tick, core: -1, neuron: -1, pin: pin)
    }
  }

  static func noMark(_ path: String) -> InputError {
    InputError(file: path, line: 1, message: "a RANC output starts with a UTF-8 byte-order mark (EF BB BF)")
  }

  /// The outputs marked "1" on one line (without the byte-order mark), checking its tokens and
  /// that it has as many as the first line (`width`, set by the first line).
  static func pins(_ text: ArraySlice<UInt8>, line: Int, width: inout Int?, path: String) throws(InputError) -> [Int32] {
    var pins: [Int32] = []
    var token = 0
    var k = text.startIndex
    let end = text.endIndex
    while k < end {
      let c = text[k]
      if c == 0x20 || c == 0x0D { k += 1; continue }
      guard c == UInt8(ascii: "0") || c == UInt8(ascii: "1"), k + 1 >= end || text[k + 1] == 0x20 || text[k + 1] == 0x0D else {
        throw InputError(file: path, line: line, path: "output \(token)", message: "expected \"0\" or \"1\" at column \(k - text.startIndex + 1)")
      }
      if c == UInt8(ascii: "1") {
        guard line >= 2 else {
          throw InputError(file: path, line: line, path: "output \(token)",
            message: "a spike on line 1, which RANC always writes as zeros (it would be tick -1; line k is tick k - 2)")
        }
        pins.append(Int32(token))
      }
      token += 1
      k += 1
    }
    if let width, width != token {
      throw InputError(file: path, line: line, message: "\(token) outputs; line 1 has \(width)")
    }
    width = width ?? token
    return pins
  }

  /// The output text RANC writes for a run of `ticks` ticks (`ranc_sim --ticks N`) with `outputs`
  /// outputs, from the spikes sent to pins (spikes with pin -1 are left out): `ticks` lines, line 1
  /// all zeros, then ticks 0...ticks - 2.
  /// - Parameter ticks: the lines; nil = up to the last spike (its tick + 2).
  /// - Throws: `ConversionError` for a spike to pin `outputs` or beyond, or in tick `ticks - 1` or later.
  public static func bytes(_ spikes: [OutputSpike], ticks lines: Int?, outputs: Int) throws(ConversionError) -> [UInt8] {
    let ticks = lines ?? Int((spikes.filter { $0.pin >= 0 }.map(\.tick).max() ?? -2) + 2)
    var grid = [UInt8](repeating: UInt8(ascii: "0"), count: ticks * outputs)
    for s in spikes where s.pin >= 0 {
      guard s.pin < outputs, s.tick >= 0, s.tick + 1 < Int64(ticks) else {
        throw ConversionError(format: "RANC output", field: s.pin >= outputs ? "pin" : "tick",
          message: "a spike to pin \(s.pin) in tick \(s.tick); the file has \(outputs) outputs and \(ticks) lines (ticks 0...\(ticks - 2); line k is tick k - 2)")
      }
      grid[Int(s.tick + 1) * outputs + Int(s.pin)] = UInt8(ascii: "1")
    }
    var out = bom
    out.reserveCapacity(3 + ticks * (2 * outputs + 1))
    for t in 0..<ticks {
      for p in 0..<outputs { out += [grid[t * outputs + p], 0x20] }
      out.append(0x0A)
    }
    return out
  }
}
