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
      var token = 0
      var k = start
      while k < end {
        let c = bytes[k]
        if c == 0x20 || c == 0x0D { k += 1; continue }
        guard c == UInt8(ascii: "0") || c == UInt8(ascii: "1"), k + 1 >= end || bytes[k + 1] == 0x20 || bytes[k + 1] == 0x0D else {
          throw InputError(file: path, line: line, path: "output \(token)", message: "expected \"0\" or \"1\" at column \(k - start + 1)")
        }
        if c == UInt8(ascii: "1") {
          guard line >= 2 else {
            throw InputError(file: path, line: line, path: "output \(token)",
              message: "a spike on line 1, which RANC always writes as zeros (it would be tick -1; line k is tick k - 2)")
          }
          spikes.append(OutputSpike(tick: Int64(line - 2), core: -1, neuron: -1, pin: Int32(token)))
          locations.append((line, "output \(token)"))
        }
        token += 1
        k += 1
      }
      if let width, width != token {
        throw InputError(file: path, line: line, message: "\(token) outputs; line 1 has \(width)")
      }
      width = width ?? token
      start = end + 1
    }
    return (SpikeList(path: path, records: spikes, locations: locations), line)
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
