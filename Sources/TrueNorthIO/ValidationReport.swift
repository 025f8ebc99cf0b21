import TrueNorth

/// What checking a model file against its chip found (`tnsim validate`): every violation with the
/// line of its core, and, when asked for, the traffic check of a run.
public struct ValidationReport {
  /// The model file checked.
  public var path: String
  /// The chip checked against.
  public var chipName: String
  /// Cores the model configures.
  public var cores: Int
  /// Every violation of the chip's constraints, in the model's order.
  public var violations: [Violation]
  /// The line of each core's object in the file (`Model.parse`), for locating violations.
  public var coreLines: [Int]
  /// The traffic check, when one was run.
  public var traffic: TrafficCheck?

  /// Checks `model`, parsed from `path` with the lines of its cores, against its chip.
  /// - Parameter trafficInput: when given and the model fits, input spikes to run at cycle
  ///   fidelity for `ticks` (or until they end) and check the traffic of.
  /// - Throws: what `TrafficCheck.run` throws.
  public init(path: String, model: Model, coreLines: [Int], trafficInput: String? = nil, ticks: Int64? = nil) throws {
    self.path = path
    chipName = model.chip.name
    cores = model.cores.count
    violations = model.violations()
    self.coreLines = coreLines
    if let trafficInput, violations.isEmpty {
      traffic = try TrafficCheck.run(model: model, input: trafficInput, ticks: ticks)
    }
  }

  /// Whether the model fits its chip.
  public var fits: Bool { violations.isEmpty }

  /// Whether the model fits and, when checked, every tick kept its budget.
  public var passes: Bool { fits && (traffic?.passes ?? true) }

  /// The line of the core a violation is in, when it is in one.
  public func line(of v: Violation) -> Int? { v.core.map { coreLines[$0] } }

  /// One line per violation (`FILE:LINE: location: what`), the verdict, then the traffic lines.
  public var text: String {
    var lines = violations.map { v in "\(path):\(line(of: v).map(String.init) ?? "-"): \(v.location): \(v.description)" }
    lines.append(fits
      ? "\(path): fits \(chipName): \(cores) cores, no violations"
      : "\(path): \(violations.count) violation\(violations.count == 1 ? "" : "s") of \(chipName)")
    if let traffic { lines.append(traffic.text) }
    return lines.joined(separator: "\n")
  }

  /// One JSON object: `fits`, `cores`, `violations` (each with `location`, `line`, 0 when not in a
  /// core, and `message`) and, when run, `traffic` (as `TrafficCheck.json`).
  public var json: String {
    var w = JSONTextWriter()
    w.beginObject()
    w.member("fits", fits)
    w.member("cores", cores)
    w.key("violations")
    w.beginArray()
    for v in violations {
      w.beginObject()
      w.member("location", v.location)
      w.member("line", line(of: v) ?? 0)
      w.member("message", v.description)
      w.endObject()
    }
    w.endArray()
    if let traffic {
      w.key("traffic")
      traffic.write(to: &w)
    }
    w.endObject()
    return w.text
  }
}
