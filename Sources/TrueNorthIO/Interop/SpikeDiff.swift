import Foundation
import TrueNorth

/// The comparison of two spike outputs (`tnsim diff`, `tnsim validate --expect`): whether they
/// hold the same spikes, and if not where they first differ and by how much.
///
/// Spikes are compared as multisets. Two files that both name cores and neurons are compared by
/// (tick, core, neuron); the pin is not compared, since a neuron's one destination fixes it. When
/// either side has spikes without a core (RANC's output text), both are compared by (tick, pin)
/// and spikes not sent to a pin are left out.
///
/// Files may hold their spikes in any order: each is read whole into memory and sorted (24 bytes
/// a spike), so the comparison needs memory in proportion to the two files.
public struct SpikeDiff: Sendable, Equatable {
  /// What identifies a spike in the comparison.
  public enum Matching: String, Sendable {
    /// (tick, core, neuron).
    case neuron
    /// (tick, pin): for outputs that do not name the neuron.
    case pin
  }

  /// One spike that is in one output and not the other.
  public struct Difference: Sendable, Equatable {
    /// The spike, as the side that has it records it (core and neuron -1 when unknown).
    public var spike: OutputSpike
    /// True when the expected output has it and the actual does not; false for an extra spike.
    public var missing: Bool
  }

  /// Mismatches attributed to one core (-1 for spikes whose core is unknown).
  public struct CoreTotals: Sendable, Equatable {
    /// The core, or -1 when unknown.
    public var core: Int32
    /// Spikes of the core the actual output lacks.
    public var missing: Int
    /// Spikes of the core the expected output lacks.
    public var extra: Int
  }

  /// What identified a spike.
  public var matching: Matching
  /// The ticks compared: the `ticks` asked for, or those a RANC output text holds (nil = all).
  public var ticks: Range<Int64>?
  /// Spikes compared on each side (after the tick window and, for pins, leaving out axon spikes).
  public var expectedCount: Int
  /// Spikes compared of the actual output.
  public var actualCount: Int
  /// Spikes of the expected output the actual one lacks.
  public var missing: Int
  /// Spikes of the actual output the expected one lacks.
  public var extra: Int
  /// The first difference in (tick, core, neuron) or (tick, pin) order.
  public var first: Difference?
  /// Per-core mismatch totals, ascending by core; cores without mismatches are not listed.
  public var perCore: [CoreTotals]

  /// True when both outputs hold the same spikes.
  public var identical: Bool { missing == 0 && extra == 0 }

  /// Compares `actual` against `expected`.
  /// - Parameters:
  ///   - matching: nil = by neuron when both sides name cores, else by pin.
  ///   - ticks: compare only spikes of these ticks (nil = all).
  /// - Complexity: O(n log n) in the number of spikes.
  public static func compare(expected: [OutputSpike], actual: [OutputSpike], matching: Matching? = nil, ticks: Range<Int64>? = nil)
    -> SpikeDiff
  {
    let mode = matching ?? (expected.contains { $0.core < 0 } || actual.contains { $0.core < 0 } ? .pin : .neuron)
    func prepare(_ spikes: [OutputSpike]) -> [OutputSpike] {
      spikes.filter { (ticks?.contains($0.tick) ?? true) && (mode == .neuron || $0.pin >= 0) }
        .sorted { key($0, mode) < key($1, mode) }
    }
    let a = prepare(expected), b = prepare(actual)
    var diff = SpikeDiff(matching: mode, ticks: ticks, expectedCount: a.count, actualCount: b.count, missing: 0, extra: 0, first: nil, perCore: [])
    var totals: [Int32: CoreTotals] = [:]
    func record(_ s: OutputSpike, missing: Bool) {
      if diff.first == nil { diff.first = Difference(spike: s, missing: missing) }
      if missing { diff.missing += 1 } else { diff.extra += 1 }
      var t = totals[s.core] ?? CoreTotals(core: s.core, missing: 0, extra: 0)
      if missing { t.missing += 1 } else { t.extra += 1 }
      totals[s.core] = t
    }
    var i = 0, j = 0
    while i < a.count || j < b.count {
      if j == b.count || (i < a.count && key(a[i], mode) < key(b[j], mode)) {
        record(a[i], missing: true)
        i += 1
      } else if i == a.count || key(b[j], mode) < key(a[i], mode) {
        record(b[j], missing: false)
        j += 1
      } else {
        i += 1
        j += 1
      }
    }
    diff.perCore = totals.values.sorted { $0.core < $1.core }
    return diff
  }

  static func key(_ s: OutputSpike, _ mode: Matching) -> (Int64, Int32, Int32) {
    mode == .neuron ? (s.tick, s.core, s.neuron) : (s.tick, s.pin, 0)
  }

  /// Reads two spike files of any supported format, in any order, and compares them.
  /// - Parameter ticks: compare only these ticks; nil = all, or when a file is a RANC output
  ///   text, the ticks it holds (0...N - 2 for N lines: RANC does not write its last tick).
  /// - Throws: `InputError` when either file cannot be read.
  public static func compare(expected: String, actual: String, matching: Matching? = nil, ticks: Range<Int64>? = nil)
    throws(InputError) -> SpikeDiff
  {
    let e = try read(expected), a = try read(actual)
    return compare(expected: e.spikes, actual: a.spikes, matching: matching, ticks: ticks ?? window(e.ticks, a.ticks))
  }

  /// The output spikes of a file of any supported format, in any order (the caller sorts), and
  /// the ticks the file holds when its format says so (a RANC output text of N lines: 0..<N - 1).
  /// - Throws: `InputError` when the file cannot be read.
  public static func read(_ path: String) throws(InputError) -> (spikes: [OutputSpike], ticks: Range<Int64>?) {
    if try SpikeFormat.detect(path: path) == .rancOutput {
      let (spikes, lines) = try RANCOutputFile.read(bytes: try readFile(path), path: path)
      return (spikes.records, RANCOutputFile.ticks(lines: lines))
    }
    var source = try SpikeFormat.openOutput(path)
    if var reader = source as? SpikeReader<OutputSpike> {
      reader.requiresTickOrder = false
      source = reader
    }
    return (try source.readAll(), nil)
  }

  /// The ticks both windows hold (nil = no limit).
  static func window(_ a: Range<Int64>?, _ b: Range<Int64>?) -> Range<Int64>? {
    guard let a else { return b }
    guard let b else { return a }
    return max(a.lowerBound, b.lowerBound)..<max(min(a.upperBound, b.upperBound), max(a.lowerBound, b.lowerBound))
  }

  /// A few lines for people: the verdict, the first difference, the counts and per-core totals.
  public func report(expectedName: String = "expected", actualName: String = "actual") -> String {
    var by = matching == .neuron ? "(tick, core, neuron)" : "(tick, pin)"
    if let ticks { by += ", ticks \(ticks.lowerBound)...\(ticks.upperBound - 1)" }
    if identical {
      return "identical: \(expectedCount) spikes in both, compared by \(by)"
    }
    var lines = ["different: compared by \(by), \(expectedCount) spikes in \(expectedName), \(actualCount) in \(actualName)"]
    if let first {
      let s = first.spike
      var place = "tick \(s.tick)"
      if s.core >= 0 { place += ", core \(s.core), neuron \(s.neuron)" }
      if s.pin >= 0 { place += ", pin \(s.pin)" }
      lines.append("first difference: \(place): " + (first.missing ? "in \(expectedName) only (missing)" : "in \(actualName) only (extra)"))
    }
    lines.append("missing \(missing) (in \(expectedName), not in \(actualName)), extra \(extra) (in \(actualName), not in \(expectedName))")
    let shown = perCore.prefix(20)
    for t in shown {
      lines.append("  core \(t.core < 0 ? "unknown" : String(t.core)): \(t.missing) missing, \(t.extra) extra")
    }
    if perCore.count > shown.count { lines.append("  ... and \(perCore.count - shown.count) more cores") }
    return lines.joined(separator: "\n")
  }

  /// One JSON object with every figure.
  public var json: String {
    var w = JSONTextWriter()
    w.beginObject()
    w.member("identical", identical)
    w.member("matching", matching.rawValue)
    if let ticks {
      w.key("ticks")
      w.array([ticks.lowerBound, ticks.upperBound], .spaced)
    }
    w.member("expected", expectedCount)
    w.member("actual", actualCount)
    w.member("missing", missing)
    w.member("extra", extra)
    w.key("first")
    if let f = first {
      w.beginObject()
      w.member("tick", f.spike.tick)
      w.member("core", f.spike.core)
      w.member("neuron", f.spike.neuron)
      w.member("pin", f.spike.pin)
      w.member("kind", f.missing ? "missing" : "extra")
      w.endObject()
    } else {
      w.null()
    }
    w.key("perCore")
    w.beginArray()
    for t in perCore {
      w.beginObject()
      w.member("core", t.core)
      w.member("missing", t.missing)
      w.member("extra", t.extra)
      w.endObject()
    }
    w.endArray()
    w.endObject()
    return w.text
  }
}
