import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// RANC neurons import when, and only when, some tnsim neuron behaves the same at every potential:
/// checked over every small parameter set against slow references of both rules.
@Suite struct RANCNeuronRuleTests {
  /// RANC's rule after integration and leak, straight from its simulator's `NeuronBlock::spikes`
  /// and `output_potential` (reset_type 0 asymmetric: V < neg; 1 symmetric: V <= neg).
  static func ranc(_ v: Int, alpha: Int, neg: Int, reset: Int, mode: Int, type: Int) -> (Bool, Int) {
    if v >= alpha { return (true, mode == 0 ? reset : v - alpha) }
    if type == 0 ? v < neg : v <= neg { return (false, mode == 0 ? -reset : v - neg) }
    return (false, v)
  }

  /// tnsim's deterministic rule (docs/neuron-model.md, TM = 0), written out for the test.
  static func tnsim(_ v: Int, alpha: Int, beta: Int, gamma: Int, reset: Int, kappa: Bool) -> (Bool, Int) {
    if v >= alpha { return (true, [reset, v - alpha, v][gamma]) }
    if v < -beta { return (false, kappa ? -beta : [-reset, v + beta, v][gamma]) }
    return (false, v)
  }

  static let window = -40...40

  /// Whether any tnsim neuron (gamma 0...2, beta 0...10, kappa, R -6...6) gives RANC's spike and
  /// next potential over the whole window.
  static func anyTNSimNeuronMatches(alpha: Int, neg: Int, reset: Int, mode: Int, type: Int) -> Bool {
    let want = window.map { ranc($0, alpha: alpha, neg: neg, reset: reset, mode: mode, type: type) }
    for gamma in 0...2 {
      for beta in 0...10 {
        for kappa in [false, true] {
          let matches = (-6...6).contains { r in
            zip(window, want).allSatisfy { v, w in tnsim(v, alpha: alpha, beta: beta, gamma: gamma, reset: r, kappa: kappa) == w }
          }
          if matches { return true }
        }
      }
    }
    return false
  }

  /// One RANC core whose neurons all have these parameters, starting at every potential of the window.
  static func input(alpha: Int, neg: Int, reset: Int, mode: Int) -> [UInt8] {
    let neurons = window.map { v in
      "{\"current_potential\": \(v), \"reset_potential\": \(reset), \"weights\": [0,0,0,0], \"leak\": 0, "
        + "\"positive_threshold\": \(alpha), \"negative_threshold\": \(neg), \"reset_mode\": \(mode), "
        + "\"destination_core_offset\": [1,0], \"destination_axon\": 0, \"destination_tick\": 0}"
    }
    return Array(("{\"packets\": [], \"output_bus\": {\"coordinates\": [0,1], \"num_outputs\": 1}, \"cores\": [{\"coordinates\": [0,0], "
      + "\"axons\": [], \"connections\": [], \"neurons\": [" + neurons.joined(separator: ", ") + "]}]}").utf8)
  }

  static func config(type: Int) -> [UInt8] {
    Array(("{\"num_neurons\": 256, \"num_axons\": 256, \"num_cores_x\": 2, \"num_cores_y\": 2, \"num_weights\": 4, "
      + "\"max_tick_offset\": 16, \"neuron_block_trace_verbosity\": 0, \"core_controller_trace_verbosity\": 0, "
      + "\"scheduler_trace_verbosity\": 0, \"neuron_reset_type\": \(type)}").utf8)
  }

  /// Every alpha in 0...4 (the chip's thresholds are not negative), negative threshold in -4...4, R in -3...3, both reset modes and both
  /// reset types: an imported neuron runs in tnsim's simulator to RANC's spike and potential from
  /// every potential of the window; a refused one has no tnsim equivalent at all (searched
  /// exhaustively), and the refusal names the neuron and the highest potential where the closest
  /// tnsim neuron differs, which agrees with RANC above it.
  @Test(arguments: 0...1, 0...1)
  func importsExactlyTheNeuronsTNSimCanRun(mode: Int, type: Int) throws {
    let chip = try InteropFixtures.tiny()
    let config = try RANCModelFiles.parseConfig(Self.config(type: type), file: "config.json", chip: chip)
    var imported = 0, refused = 0
    for alpha in 0...4 {
      for neg in -4...4 {
        for reset in -3...3 {
          let rule = RANCNeuronRule.RANC(positiveThreshold: Int64(alpha), negativeThreshold: Int64(neg), resetPotential: Int64(reset),
            linearReset: mode == 1, inclusive: type == 1)
          let name = "alpha \(alpha), neg \(neg), R \(reset), mode \(mode), type \(type)"
          do {
            let model = try RANCModelFiles.parse(input: Self.input(alpha: alpha, neg: neg, reset: reset, mode: mode),
              file: "input.json", config: config, chip: chip).0
            imported += 1
            let sim = try Simulator(model: model, threads: 1, recordAll: true)
            sim.step()
            let fired = Set(sim.spikes.map { Int($0.neuron) })
            for (j, v) in Self.window.enumerated() {
              let (spike, next) = Self.ranc(v, alpha: alpha, neg: neg, reset: reset, mode: mode, type: type)
              #expect(fired.contains(j) == spike && sim.potential(core: 0, neuron: j).map(Int.init) == next,
                "\(name): from V = \(v) RANC gives \(spike) \(next), tnsim \(fired.contains(j)) \(String(describing: sim.potential(core: 0, neuron: j)))")
            }
          } catch {
            refused += 1
            #expect(!Self.anyTNSimNeuronMatches(alpha: alpha, neg: neg, reset: reset, mode: mode, type: type), "\(name) was refused: \(error)")
            guard case .differs(let t, let at, let r, let n) = RANCNeuronRule.match(rule) else {
              Issue.record("\(name) was refused but matches")
              continue
            }
            #expect("\(error)".contains("core (0, 0) neuron 0: no tnsim neuron behaves like this RANC neuron"), "\(error)")
            #expect("\(error)".contains("first differ at potential \(at), where RANC gives \(r)"), "\(error)")
            let closest = { (v: Int) in
              Self.tnsim(v, alpha: Int(t.alpha), beta: Int(t.beta), gamma: Int(t.gamma.rawValue), reset: Int(t.resetPotential), kappa: t.kappa)
            }
            let rancAt = Self.ranc(Int(at), alpha: alpha, neg: neg, reset: reset, mode: mode, type: type)
            #expect(rancAt.1 == Int(r) && closest(Int(at)).1 == Int(n) && rancAt != closest(Int(at)), "\(name)")
            for v in Int(at + 1)...Self.window.upperBound {
              #expect(closest(v) == Self.ranc(v, alpha: alpha, neg: neg, reset: reset, mode: mode, type: type), "\(name) at V = \(v)")
            }
          }
        }
      }
    }
    // Both outcomes occur in every combination of mode and type.
    #expect(imported > 0 && refused > 0, "imported \(imported), refused \(refused)")
  }

  /// The neurons of the issue: RANC's examples (linear reset, V <= 0) and its MNIST network
  /// (alpha 0, V <= 0 reset to 0) import; so does V <= neg with a negative neg and reset to R.
  @Test func theNeuronsOfRANCsOwnNetworksImport() {
    let example = RANCNeuronRule.RANC(positiveThreshold: 1, negativeThreshold: 0, resetPotential: 0, linearReset: true, inclusive: true)
    #expect(RANCNeuronRule.match(example) == .exact(.init(alpha: 1, beta: 0, gamma: .linear, resetPotential: 0, kappa: false)))
    let mnist = RANCNeuronRule.RANC(positiveThreshold: 0, negativeThreshold: 0, resetPotential: 0, linearReset: false, inclusive: true)
    #expect(RANCNeuronRule.match(mnist) == .exact(.init(alpha: 0, beta: 0, gamma: .normal, resetPotential: 0, kappa: true)))
    let symmetric = RANCNeuronRule.RANC(positiveThreshold: 5, negativeThreshold: -3, resetPotential: 1, linearReset: false, inclusive: true)
    #expect(RANCNeuronRule.match(symmetric) == .exact(.init(alpha: 5, beta: 2, gamma: .normal, resetPotential: 1, kappa: false)))
    let shifted = RANCNeuronRule.RANC(positiveThreshold: 5, negativeThreshold: -3, resetPotential: 1, linearReset: true, inclusive: true)
    // V <= -3: V + 3 has none: the field-by-field reading (beta 2) and beta 3 both differ first at -3.
    #expect(RANCNeuronRule.match(shifted)
      == .differs(closest: .init(alpha: 5, beta: 2, gamma: .linear, resetPotential: 1, kappa: false), potential: -3, ranc: 0, tnsim: -1))
  }

  /// The search is exact on the full range of potentials, not only the window.
  @Test func differencesFarFromTheThresholdsAreFound() {
    let f: (Int64) -> (spike: Bool, next: Int64) = { v in (false, v == -1_000_000 ? 0 : v) }
    let g: (Int64) -> (spike: Bool, next: Int64) = { v in (false, v) }
    #expect(RANCNeuronRule.highestDifference(f, g, cuts: [-1_000_000, -999_999]) == -1_000_000)
    #expect(RANCNeuronRule.highestDifference(g, g, cuts: []) == nil)
    let h: (Int64) -> (spike: Bool, next: Int64) = { v in (false, v < 7 ? 3 : v) }
    #expect(RANCNeuronRule.highestDifference(h, g, cuts: [7]) == 6)
    let k: (Int64) -> (spike: Bool, next: Int64) = { v in (false, v < 7 ? 6 : v) }
    #expect(RANCNeuronRule.highestDifference(k, g, cuts: [7]) == 5)
  }
}
