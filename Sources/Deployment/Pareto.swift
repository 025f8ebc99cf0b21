import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// The accuracy-cost frontier of one or several sweeps (issue 18): every network x copies x spf
/// point, and which of them no other point beats. A point is dominated when another has at
/// least its accuracy at no more of every cost considered and is strictly better in one of them.
public enum Pareto {
  /// One evaluated point of a sweep.
  public struct Point: Sendable, Equatable {
    /// The network's label (its file name without `.json`).
    public var network: String
    /// Copies of the network.
    public var copies: Int
    /// Ticks per frame.
    public var spf: Int
    /// Accuracy on the chip (a fraction).
    public var accuracy: Double
    /// Chip cores used.
    public var cores: Double
    /// Ticks per image.
    public var ticks: Double
    /// Energy per image in microjoules.
    public var energy: Double

    /// A point from its figures.
    public init(network: String, copies: Int, spf: Int, accuracy: Double, cores: Double, ticks: Double, energy: Double) {
      self.network = network
      self.copies = copies
      self.spf = spf
      self.accuracy = accuracy
      self.cores = cores
      self.ticks = ticks
      self.energy = energy
    }

    /// `NET CxS`, e.g. `mnist-5core 4x2`.
    public var label: String { "\(network) \(copies)x\(spf)" }
  }

  /// A cost the frontier weighs accuracy against.
  public enum Cost: String, Sendable, CaseIterable {
    /// Chip cores.
    case cores
    /// Ticks per image.
    case ticks
    /// Energy per image.
    case energy

    /// The cost of `p`.
    public func of(_ p: Point) -> Double {
      switch self {
      case .cores: p.cores
      case .ticks: p.ticks
      case .energy: p.energy
      }
    }

    /// The axis label.
    public var axis: String {
      switch self {
      case .cores: "chip cores (log scale)"
      case .ticks: "ticks per image (log scale)"
      case .energy: "energy per image (uJ, log scale)"
      }
    }

    /// The file name of the chart.
    public var fileName: String { "pareto-\(rawValue).svg" }
  }

  /// The points of a sweep's rows (`Sweep.run`), labelled `network`; rows without an accuracy are left out.
  public static func points(_ rows: [[String: String]], network: String) -> [Point] {
    rows.compactMap { r in
      guard let a = Double(r["accuracy"] ?? ""), let c = Int(r["copies"] ?? ""), let s = Int(r["spf"] ?? "") else { return nil }
      return Point(
        network: network, copies: c, spf: s, accuracy: a, cores: Double(r["cores"] ?? "") ?? .nan, ticks: Double(r["ticksPerImage"] ?? "") ?? .nan,
        energy: Double(r["energyPerImageMicrojoules"] ?? "") ?? .nan)
    }
  }

  /// Whether `b` dominates `a` on accuracy and `costs`.
  public static func dominates(_ b: Point, _ a: Point, costs: [Cost]) -> Bool {
    guard b.accuracy >= a.accuracy, costs.allSatisfy({ $0.of(b) <= $0.of(a) }) else { return false }
    return b.accuracy > a.accuracy || costs.contains { $0.of(b) < $0.of(a) }
  }

  /// For each point, whether no other point dominates it on accuracy and `costs`.
  /// - Complexity: O(n^2) for n points.
  public static func front(_ points: [Point], costs: [Cost]) -> [Bool] {
    points.indices.map { i in !points.indices.contains { j in j != i && dominates(points[j], points[i], costs: costs) } }
  }

  /// The table: every point on the joint front (accuracy against cores, ticks and energy at once),
  /// best accuracy first (then least energy), with a mark for each single cost whose front it is on; then the count
  /// of dominated points.
  public static func markdown(_ points: [Point]) -> String {
    let joint = front(points, costs: Cost.allCases)
    let single = Cost.allCases.map { front(points, costs: [$0]) }
    var s = "| network | copies | spf | accuracy | cores | ticks/image | energy/image (uJ) | front of accuracy against |\n"
    s += "|---|---:|---:|---:|---:|---:|---:|---|\n"
    let order = points.indices.filter { joint[$0] }.sorted { i, j in
      let (a, b) = (points[i], points[j])
      if a.accuracy != b.accuracy { return a.accuracy > b.accuracy }
      if a.energy != b.energy { return a.energy < b.energy }
      return (a.label, i) < (b.label, j)
    }
    for i in order {
      let p = points[i]
      let on = Cost.allCases.indices.filter { single[$0][i] }.map { Cost.allCases[$0].rawValue }
      s += "| \(p.network) | \(p.copies) | \(p.spf) | \(String(format: "%.2f%%", 100 * p.accuracy)) | \(NiceScale.short(p.cores)) | "
        + "\(NiceScale.short(p.ticks)) | \(String(format: "%.4f", p.energy)) | \(on.isEmpty ? "-" : on.joined(separator: ", ")) |\n"
    }
    let dominated = joint.filter { !$0 }.count
    s += "\n\(order.count) of \(points.count) points are on the front (no other point is at least as accurate at no more cores, ticks "
      + "and energy per image); \(dominated) \(dominated == 1 ? "is" : "are") dominated.\n"
    return s
  }

  /// Accuracy against `cost` (log axis): the front of that cost as a line through its points, a
  /// marker per point in its network's colour, dominated points grey; front points labelled
  /// `CxS` (copies x spf).
  public static func chart(_ points: [Point], cost: Cost) -> LineChart {
    let on = front(points, costs: [cost])
    var chart = LineChart(title: "Accuracy on the chip against \(cost == .cores ? "cores" : cost == .ticks ? "ticks per image" : "energy per image")",
      xLabel: cost.axis, yLabel: "accuracy (%)", logX: true)
    chart.subtitle = "every network x copies x spf point swept; grey: dominated (another point is at least as accurate for less); "
      + "the line joins the front, each front point labelled copies x spf"
    // Dominated points first, so that the front's line, markers and labels are drawn over them.
    let grey = points.indices.filter { !on[$0] }
    if !grey.isEmpty {
      var s = LineChart.Series(name: "dominated", points: grey.map { (cost.of(points[$0]), 100 * points[$0].accuracy) }, colour: 7)
      s.connected = false
      s.explicitColour = dominatedColour
      chart.series.append(s)
    }
    let frontPoints = points.indices.filter { on[$0] }.map { points[$0] }.sorted { cost.of($0) < cost.of($1) }
    // A staircase: between two front points the best accuracy on offer is the cheaper one's.
    var steps: [(x: Double, y: Double)] = []
    for p in frontPoints {
      if let last = steps.last { steps.append((cost.of(p), last.y)) }
      steps.append((cost.of(p), 100 * p.accuracy))
    }
    chart.series.append(LineChart.Series(name: "front", points: steps, colour: 0, markers: false))
    chart.niceLogTicks = cost == .energy
    // The front's line has colour 0; the networks take the others but the palette's grey (7).
    let colours = [1, 2, 3, 4, 5, 6, 8, 9]
    let networks = points.reduce(into: [String]()) { if !$0.contains($1.network) { $0.append($1.network) } }
    for (k, n) in networks.enumerated() {
      let mine = points.indices.filter { on[$0] && points[$0].network == n }
      guard !mine.isEmpty else { continue }
      var s = LineChart.Series(name: n, points: mine.map { (cost.of(points[$0]), 100 * points[$0].accuracy) }, colour: colours[k % colours.count],
        pointLabels: mine.map { "\(points[$0].copies)x\(points[$0].spf)" })
      s.connected = false
      chart.series.append(s)
    }
    return chart
  }

  /// The light grey of dominated points.
  public static let dominatedColour = "#c4c4c4"

  /// Writes `pareto.md` and one chart per cost (`pareto-cores.svg`, `pareto-ticks.svg`,
  /// `pareto-energy.svg`) into `directory`.
  public static func write(_ points: [Point], to directory: String) throws {
    try writeFileAtomically(Array(markdown(points).utf8), to: directory + "/pareto.md")
    for c in Cost.allCases { try writeFileAtomically(Array(chart(points, cost: c).svg().utf8), to: directory + "/" + c.fileName) }
  }
}
