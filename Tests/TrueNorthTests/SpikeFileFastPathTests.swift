import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO
import _TNSupport

/// The byte-level CSV reader and writer of `SpikeFile.swift` against an obvious one written from
/// docs/spike-formats.md: same records, and the same line and field for the first error, on
/// random files and on random mutations of them, with reads of every size across line ends.
@Suite struct SpikeFileFastPathTests {
  /// What the obvious reader makes of a file: the records before the first error, and that
  /// error's line and field (nil when the file is good).
  struct Outcome: Equatable, CustomStringConvertible {
    var records: [[Int64]]
    var errorLine: Int?
    var errorField: String?
    var failed: Bool
    var description: String { "\(records.count) records, failed \(failed) at line \(errorLine.map(String.init) ?? "-") field \(errorField ?? "-")" }
  }

  /// The obvious reader: split on newlines, trim spaces and tabs, skip blanks and comments,
  /// check the header, then per line the field count, each field an integer in range, ticks in order.
  static func obviousRead(_ bytes: [UInt8], columns: [String], ranges: [ClosedRange<Int64>]) -> Outcome {
    var out = Outcome(records: [], errorLine: nil, errorField: nil, failed: false)
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    if lines.last == "" { lines.removeLast() }
    func trim(_ s: Substring) -> String { s.trimmingCharacters(in: .whitespaces) }
    var sawHeader = false
    var lastTick: Int64 = -1
    for (i, raw) in lines.enumerated() {
      let t = trim(Substring(raw))
      if t.isEmpty || t.hasPrefix("#") { continue }
      if !sawHeader {
        let h = Substring(raw).trimmingCharacters(in: .whitespacesAndNewlines)
        if h.isEmpty || h.hasPrefix("#") { continue }
        guard h.split(separator: ",").map(trim) == columns else {
          out.failed = true; out.errorLine = i + 1; return out
        }
        sawHeader = true
        continue
      }
      let parts = t.split(separator: ",", omittingEmptySubsequences: false)
      guard parts.count == columns.count else { out.failed = true; out.errorLine = i + 1; return out }
      var f: [Int64] = []
      for (k, p) in parts.enumerated() {
        guard let v = Int64(trim(p)), ranges[k].contains(v) else {
          out.failed = true; out.errorLine = i + 1; out.errorField = columns[k]; return out
        }
        f.append(v)
      }
      guard f[0] >= lastTick else { out.failed = true; out.errorLine = i + 1; out.errorField = "tick"; return out }
      lastTick = f[0]
      out.records.append(f)
    }
    if !sawHeader { out.failed = true }
    return out
  }

  /// What `SpikeReader` makes of the same bytes, reading `readSize` bytes at a time.
  static func fastRead<R: SpikeRecord>(_ bytes: [UInt8], as: R.Type, readSize: Int) -> Outcome {
    let p = SpikeFileTests.temporary("fast.csv")
    FileManager.default.createFile(atPath: p, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: p) }
    var out = Outcome(records: [], errorLine: nil, errorField: nil, failed: false)
    do throws(InputError) {
      var reader = try SpikeReader<R>(path: p)
      reader.readSize = readSize
      while let r = try reader.nextRecord() { out.records.append(r.fields) }
    } catch {
      out.failed = true
      out.errorLine = error.line
      out.errorField = error.path
    }
    return out
  }

  /// A random well-formed file: header, plain lines, and now and then a comment, a blank line,
  /// spaces, a sign, leading zeros, a carriage return-free variant of each, and extreme values.
  static func randomFile(columns: [String], ranges: [ClosedRange<Int64>], lines: Int, rng: inout SplitMix64) -> [UInt8] {
    var text = columns.joined(separator: ",") + "\n"
    var tick: Int64 = 0
    for _ in 0..<lines {
      switch rng.next(below: 40) {
      case 0: text += "# a comment, 1,2,3\n"; continue
      case 1: text += "\n"; continue
      case 2: text += "   \t\n"; continue
      default: break
      }
      if rng.next(below: 4) == 0 { tick += Int64(rng.next(below: 3)) }
      if rng.next(below: 200) == 0 { tick = Int64(UInt32.max) - Int64(rng.next(below: 2)) }
      var fields = [tick]
      for k in 1..<columns.count {
        let r = ranges[k]
        switch rng.next(below: 10) {
        case 0: fields.append(r.lowerBound)
        case 1: fields.append(r.upperBound)
        default: fields.append(r.lowerBound + Int64(rng.next(below: Int(min(r.upperBound - r.lowerBound + 1, 5000)))))
        }
      }
      let rendered = fields.map { v -> String in
        switch rng.next(below: 30) {
        case 0: return " \(v)"
        case 1: return "\(v)\t"
        case 2 where v >= 0: return "+\(v)"
        case 3 where v >= 0: return "00\(v)"
        default: return "\(v)"
        }
      }
      text += rendered.joined(separator: ",") + "\n"
    }
    if rng.next(below: 2) == 0, text.hasSuffix("\n") { text.removeLast() }
    return Array(text.utf8)
  }

  /// One random change: a byte replaced by one of the characters that matter, inserted or deleted.
  static func mutate(_ bytes: [UInt8], rng: inout SplitMix64) -> [UInt8] {
    var b = bytes
    let alphabet = Array("0123456789,-+ \t\n\r#x9".utf8)
    for _ in 0...rng.next(below: 3) {
      guard !b.isEmpty else { break }
      let at = rng.next(below: b.count)
      switch rng.next(below: 3) {
      case 0: b[at] = alphabet[rng.next(below: alphabet.count)]
      case 1: b.insert(alphabet[rng.next(below: alphabet.count)], at: at)
      default: b.remove(at: at)
      }
    }
    return b
  }

  @Test(arguments: [1, 3, 7, 64, 1 << 20])
  func readerMatchesTheObviousReaderOnRandomAndMutatedFiles(readSize: Int) {
    var rng = SplitMix64(seed: UInt64(readSize))
    var failures = 0
    for trial in 0..<120 {
      let output = trial % 2 == 1
      let columns = output ? OutputSpike.columns : InputSpike.columns
      let ranges = output ? OutputSpike.ranges : InputSpike.ranges
      var bytes = Self.randomFile(columns: columns, ranges: ranges, lines: 1 + rng.next(below: 60), rng: &rng)
      if trial % 3 != 0 { bytes = Self.mutate(bytes, rng: &rng) }
      let expected = Self.obviousRead(bytes, columns: columns, ranges: ranges)
      let got = output ? Self.fastRead(bytes, as: OutputSpike.self, readSize: readSize)
        : Self.fastRead(bytes, as: InputSpike.self, readSize: readSize)
      if got != expected {
        failures += 1
        Issue.record("trial \(trial): reader gave \(got), expected \(expected) for:\n\(String(decoding: bytes, as: UTF8.self))")
      }
    }
    #expect(failures == 0)
  }

  @Test func mutationsReachErrorsAndRecords() {
    // The fuzzing above is only worth something if mutated files both fail and pass.
    var rng = SplitMix64(seed: 99)
    var failed = 0, passed = 0
    for _ in 0..<200 {
      let bytes = Self.mutate(Self.randomFile(columns: InputSpike.columns, ranges: InputSpike.ranges, lines: 20, rng: &rng), rng: &rng)
      if Self.obviousRead(bytes, columns: InputSpike.columns, ranges: InputSpike.ranges).failed { failed += 1 } else { passed += 1 }
    }
    #expect(failed > 20)
    #expect(passed > 20)
  }

  @Test(arguments: [SpikeFormat.csv, .tnspk])
  func writerMatchesTheObviousFormattingAtTheExtremes(format: SpikeFormat) throws {
    var rng = SplitMix64(seed: 5)
    var spikes: [OutputSpike] = []
    var tick: Int64 = 0
    for k in 0..<3000 {
      tick = k >= 2990 ? Int64(UInt32.max) : tick + Int64(rng.next(below: 2))
      let core = [0, Int32.max, Int32(rng.next(below: 1_000_000))][rng.next(below: 3)]
      let pin = [-1, Int32.max, 0, Int32(rng.next(below: 99_999))][rng.next(below: 4)]
      spikes.append(OutputSpike(tick: tick, core: core, neuron: Int32(rng.next(below: 256)), pin: pin))
    }
    let p = SpikeFileTests.temporary("w." + format.name)
    defer { try? FileManager.default.removeItem(atPath: p) }
    let w = try SpikeWriter<OutputSpike>(path: p, format: format)
    for s in spikes { try w.write(s) }
    try w.close()
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: p)))
    if format == .csv {
      let obvious = "tick,core,neuron,pin\n" + spikes.map { "\($0.tick),\($0.core),\($0.neuron),\($0.pin)\n" }.joined()
      #expect(bytes == Array(obvious.utf8))
    } else {
      var obvious = Array("TNSPIKES".utf8) + [1, 1, 0, 0, 0, 0, 0, 0]
      func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { obvious += $0 } }
      for s in spikes { le(UInt32(s.tick)); le(UInt32(s.core)); le(UInt16(s.neuron)); le(UInt16(0)); le(s.pin) }
      #expect(bytes == obvious)
    }
    var r = try SpikeReader<OutputSpike>(path: p)
    #expect(try r.readAll() == spikes)
  }

  @Test func binaryReaderNamesTheRecordOfAnOutOfRangeField() throws {
    var bytes = Array("TNSPIKES".utf8) + [1, 0, 0, 0, 0, 0, 0, 0]
    bytes += [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]
    bytes += [1, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0]  // axon 256
    let p = SpikeFileTests.temporary("bad.tnspk")
    FileManager.default.createFile(atPath: p, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: p) }
    var r = try SpikeReader<InputSpike>(path: p)
    #expect(try r.nextRecord() == InputSpike(tick: 1, core: 2, axon: 3))
    do {
      _ = try r.nextRecord()
      Issue.record("axon 256 was accepted")
    } catch {
      #expect(error.path == "record 2 axon")
      #expect(error.message.contains("value 256 is out of range at byte offset 28"))
    }
  }
}
