import Foundation
import Testing
@testable import Deployment
@testable import TrueNorthIO

/// The accuracy-cost frontier of `tnsim sweep A.json B.json ...`.
@Suite struct ParetoTests {
  static func point(_ n: String, _ c: Int, _ s: Int, _ a: Double, cores: Double, energy: Double) -> Pareto.Point {
    Pareto.Point(network: n, copies: c, spf: s, accuracy: a, cores: cores, ticks: Double(s), energy: energy)
  }

  /// Two networks: "big" is better at equal copies x spf but costs four times the cores.
  static let points: [Pareto.Point] = [
    point("small", 1, 1, 0.90, cores: 3, energy: 0.3), point("small", 1, 4, 0.95, cores: 3, energy: 1.2),
    point("small", 4, 1, 0.94, cores: 12, energy: 1.2), point("big", 1, 1, 0.93, cores: 12, energy: 1.3),
    point("big", 1, 4, 0.97, cores: 12, energy: 4.0), point("big", 4, 1, 0.96, cores: 48, energy: 4.0),
    // A copy of a front point: neither dominates the other.
    point("big-2", 1, 4, 0.97, cores: 12, energy: 4.0),
  ]

  @Test func dominanceNeedsNoWorseInEverythingAndBetterInSomething() {
    let p = Self.points
    #expect(Pareto.dominates(p[1], p[2], costs: [.cores]))  // 95% at 3 cores beats 94% at 12
    #expect(!Pareto.dominates(p[1], p[2], costs: [.cores, .ticks]))  // but it takes 4 ticks, not 1
    #expect(!Pareto.dominates(p[4], p[6], costs: Pareto.Cost.allCases) && !Pareto.dominates(p[6], p[4], costs: Pareto.Cost.allCases))
    #expect(Pareto.front(p, costs: [.cores]) == [false, true, false, false, true, false, true])
    #expect(Pareto.front(p, costs: [.energy]) == [true, true, false, false, true, false, true])
    #expect(Pareto.front(p, costs: [.ticks]) == [false, false, false, false, true, true, true])
    #expect(Pareto.front(p, costs: Pareto.Cost.allCases) == [true, true, true, true, true, true, true].enumerated().map { $0.offset != 3 })
  }

  @Test func theTableListsTheJointFrontBestFirst() {
    let table = Pareto.markdown(Self.points)
    let rows = table.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| network") }
    #expect(rows.count == 6)
    #expect(rows.first?.hasPrefix("| big | 1 | 4 | 97.00% | 12 | 4 |") == true)
    #expect(rows[1].hasPrefix("| big-2 | 1 | 4 | 97.00% |"))
    #expect(rows.last == "| small | 1 | 1 | 90.00% | 3 | 1 | 0.3000 | energy |")
    #expect(rows.first?.hasSuffix("| cores, ticks, energy |") == true)
    #expect(table.contains("6 of 7 points are on the front"))
  }

  @Test(arguments: Pareto.Cost.allCases)
  func chartsGreyTheDominatedAndStepAlongTheFront(cost: Pareto.Cost) {
    let chart = Pareto.chart(Self.points, cost: cost)
    let on = Pareto.front(Self.points, costs: [cost])
    let front = chart.series.first { $0.name == "front" }
    // A staircase: each front point after the first adds a horizontal and a vertical step.
    #expect(front?.points.count == 2 * on.filter { $0 }.count - 1)
    let grey = chart.series.first { $0.name == "dominated" }
    #expect(grey?.points.count == on.filter { !$0 }.count)
    #expect(grey?.connected == false && chart.series.firstIndex { $0.name == "dominated" } == 0)
    #expect(chart.colour(of: 0) == Pareto.dominatedColour)
    #expect(chart.series.filter { $0.name != "front" && $0.name != "dominated" }.allSatisfy { $0.colour != 7 && !$0.connected })
    let svg = chart.svg()
    expectReadable(svg, cost.fileName)
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 1)
  }

  @Test func niceLogTicks() {
    #expect(LineChart.logTicks(from: 0.3, to: 12) == [0.5, 1, 2, 5, 10])
    #expect(LineChart.logTicks(from: 3, to: 4) == [3, 4])
  }

  @Test func pointsComeFromSweepRows() {
    let rows: [[String: String]] = [
      ["copies": "2", "spf": "4", "accuracy": "0.9612", "cores": "10", "ticksPerImage": "4", "energyPerImageMicrojoules": "1.9"],
      ["copies": "x", "spf": "4", "accuracy": "0.9"],
    ]
    #expect(Pareto.points(rows, network: "net") == [Pareto.Point(network: "net", copies: 2, spf: 4, accuracy: 0.9612, cores: 10, ticks: 4, energy: 1.9)])
  }
}
