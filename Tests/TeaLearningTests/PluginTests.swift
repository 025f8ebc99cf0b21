import Foundation
import Testing
@testable import TeaLearning

@Suite struct PluginTests {
  /// Connections away from the penalty's kinks (0, 0.5, 1), where it is differentiable.
  static func awayFromKinks(_ net: ShadowNetwork, seed: UInt64) -> ShadowNetwork {
    var n = net
    var g = TeaRandom(seed: seed)
    for k in n.cores.indices {
      for i in n.cores[k].connections.indices {
        let u = 0.05 + 0.38 * g.unitFloat()
        n.cores[k].connections[i] = g.below(2) == 0 ? u : 1 - u
      }
    }
    return n
  }

  static func context() -> StepContext { StepContext(step: 0, epoch: 0, seed: 1, batchSize: 1, learningRate: 0.01) }

  /// Central finite differences of `f` at a few connections against `gradient`.
  static func checkGradient(_ net: ShadowNetwork, _ gradient: ParameterGradient, tolerance: Double, _ f: (ShadowNetwork) -> Double) {
    var g = TeaRandom(seed: 4)
    for _ in 0..<40 {
      let k = g.below(net.cores.count)
      let i = g.below(net.cores[k].connections.count)
      let h: Float = 1e-3
      var plus = net, minus = net
      plus.cores[k].connections[i] += h
      minus.cores[k].connections[i] -= h
      let numeric = (f(plus) - f(minus)) / Double(2 * h)
      let analytic = Double(gradient.cores[k].connections[i])
      #expect(abs(numeric - analytic) <= tolerance * max(1, abs(numeric)), "core \(k) connection \(i): \(analytic) vs \(numeric)")
    }
  }

  @Test(arguments: [(0.5, 0.5), (0.3, 0.2)])
  func probabilityPenaltyGradientMatchesFiniteDifferences(a: Double, b: Double) {
    let net = Self.awayFromKinks(smallNetwork(seed: 3), seed: 8)
    var plugin = ProbabilityRegularizer(lambda: 0.37, a: a, b: b)
    var gradient = ParameterGradient(zeroLike: net)
    let value = plugin.regularize(net, gradient: &gradient, context: Self.context())
    #expect(abs(value - plugin.value(net)) < 1e-9)
    // Away from the kinks only: skip connections within h of one.
    var g = TeaRandom(seed: 4)
    for _ in 0..<60 {
      let k = g.below(net.cores.count)
      let i = g.below(net.cores[k].connections.count)
      let c = Double(net.cores[k].connections[i])
      guard [a - b, a, a + b].allSatisfy({ abs(c - $0) > 2e-3 }) else { continue }
      var plus = net, minus = net
      plus.cores[k].connections[i] += 1e-3
      minus.cores[k].connections[i] -= 1e-3
      let numeric = (plugin.value(plus) - plugin.value(minus)) / Double(Float(c + 1e-3) - Float(c - 1e-3))
      #expect(abs(numeric - Double(gradient.cores[k].connections[i])) < 1e-3 * 0.37 * 10, "\(c)")
    }
    // The penalty is zero on binary connections and largest at the peak.
    #expect(ProbabilityRegularizer.penalty(0, a: 0.5, b: 0.5) == 0 && ProbabilityRegularizer.penalty(1, a: 0.5, b: 0.5) == 0)
    #expect(ProbabilityRegularizer.penalty(0.5, a: 0.5, b: 0.5) == 0.5)
  }

  @Test(arguments: GroupKind.allCases)
  func groupLassoGradientMatchesFiniteDifferences(kind: GroupKind) {
    var net = smallNetwork(seed: 6)
    // One group entirely zero: no gradient there (the subgradient 0).
    for n in 0..<net.cores[0].neurons { net.cores[0].connections[n] = 0 }
    let plugin = StructuredSparsity(lambda: 0.05, kinds: [kind], layerScale: [1, 0.3], block: (4, 5))
    var ssl = plugin
    ssl.begin(initial: net, context: Self.context())
    var gradient = ParameterGradient(zeroLike: net)
    _ = ssl.regularize(net, gradient: &gradient, context: Self.context())
    Self.checkGradient(net, gradient, tolerance: 2e-2) { n in
      var none: ParameterGradient? = nil
      return ssl.lasso(n, gradient: &none)
    }
    if kind == .axons {
      #expect((0..<net.cores[0].neurons).allSatisfy { gradient.cores[0].connections[$0] == 0 })
    }
    // Every connection is in exactly one group of a kind.
    let groups = ConnectionGroups(kind, of: net, block: (4, 5))
    #expect(groups.members.map(Int.init).sorted() == Array(0..<net.flatConnections.count))
  }

  static func trainer(_ plugins: [any TrainingPlugin], threads: Int = 1, initial: ShadowNetwork? = nil, epochs: Int = 3, lr: Double = 0.01) -> Trainer {
    var o = TrainerTests.options(threads: threads)
    o.epochs = epochs
    o.learningRate = lr
    return Trainer(
      options: o, topology: TrainerTests.topology, train: syntheticSet(count: 160, seed: 1), validation: syntheticSet(count: 20, seed: 2),
      plugins: plugins + [ClipParameters()], initial: initial)
  }

  @Test func sslRemovesWholeGroupsAndFineTuningKeepsThemZero() throws {
    let t = Self.trainer([StructuredSparsity(lambda: 0.05, kinds: [.axons, .neurons])], epochs: 6, lr: 0.05)
    for _ in 0..<6 { try t.trainEpoch() }
    let sparse = t.network
    // Zeroing: nothing is left strictly between 0 and the threshold.
    #expect(sparse.flatConnections.allSatisfy { $0 == 0 || $0 >= 1e-4 })
    let removed = LayerSparsity.of(sparse)
    let removedAxons = removed.reduce(0) { $0 + $1.axons.removed }
    #expect(removedAxons > 0, "no axon group removed: \(removed)")
    // Groups counted as removed are entirely zero.
    let flat = sparse.flatConnections
    let axons = ConnectionGroups(.axons, of: sparse)
    let zeroGroups = (0..<axons.count).filter { axons.isZero($0, flat) }
    #expect(zeroGroups.count == removedAxons)

    // Fine-tuning without the Lasso but with the mask: the removed groups stay exactly zero while
    // the rest keeps learning.
    let fine = Self.trainer([StructuredSparsity(lambda: 0, kinds: [.axons, .neurons], zeroBelow: 0, finetune: true)], initial: sparse)
    for _ in 0..<3 { try fine.trainEpoch() }
    let after = fine.network.flatConnections
    for g in zeroGroups {
      for m in axons.starts[g]..<axons.starts[g + 1] { #expect(after[Int(axons.members[m])] == 0) }
    }
    #expect(after != flat, "fine-tuning changed nothing")
  }

  /// A structure network: the run's starting network loses the groups that are entirely zero in the
  /// structure (and nothing else) before the first step, and fine-tuning keeps them zero.
  @Test func sslStructureRemovesItsGroupsFromTheStartingNetwork() throws {
    let dense = Self.awayFromKinks(smallNetwork(seed: 5), seed: 2)
    var structure = dense
    let n1 = structure.cores[1].neurons
    for a in [0, 3, 4, 9] {
      for n in 0..<n1 { structure.cores[1].connections[a * n1 + n] = 0 }
    }
    // A zero connection inside a live row is not a group: it must not be removed.
    structure.cores[1].connections[1 * n1 + 2] = 0
    var ssl = StructuredSparsity(lambda: 0, kinds: [.axons], zeroBelow: 0, finetune: true)
    ssl.structure = structure
    let t = Self.trainer([ssl], initial: dense)
    let start = t.network
    for k in dense.cores.indices {
      for (i, c) in dense.cores[k].connections.enumerated() {
        let removed = k == 1 && [0, 3, 4, 9].contains(i / n1)
        #expect(start.cores[k].connections[i] == (removed ? 0 : c), "core \(k) connection \(i)")
      }
    }
    for _ in 0..<2 { try t.trainEpoch() }
    for a in [0, 3, 4, 9] {
      for n in 0..<n1 { #expect(t.network.cores[1].connections[a * n1 + n] == 0) }
    }
    #expect(t.network.cores[1].connections[1 * n1 + 2] != 0, "a lone zero was kept as a group")
    #expect(throws: InputError.self) { _ = try TrainingPlugins.make("ssl:structure=/nonexistent/net.json") }
  }

  @Test func pluginsComposeAndRunsRepeatOnAnyThreadCount() throws {
    func make() throws -> [any TrainingPlugin] {
      try ["probreg:lambda=0.001", "ssl:lambda=0.01,groups=axons+neurons+cores", "terngrad:workers=3"].map { try TrainingPlugins.make($0) }
    }
    let one = Self.trainer(try make(), threads: 1)
    let all = Self.trainer(try make(), threads: 0)
    for _ in 0..<3 {
      try one.trainEpoch()
      try all.trainEpoch()
    }
    #expect(one.network == all.network)
    #expect(one.history.map(\.trainLoss) == all.history.map(\.trainLoss))
    let plain = Self.trainer([])
    for _ in 0..<3 { try plain.trainEpoch() }
    #expect(plain.network != one.network, "the plug-ins changed nothing")
  }

  @Test func resumedFineTuningRepeatsTheStraightRun() throws {
    var sparse = smallNetwork(seed: 5)
    for a in 0..<5 {
      for n in 0..<sparse.cores[1].neurons { sparse.cores[1].connections[a * sparse.cores[1].neurons + n] = 0 }
    }
    let ssl = StructuredSparsity(lambda: 0.001, kinds: [.axons], finetune: true)
    let straight = Self.trainer([ssl], initial: sparse)
    for _ in 0..<3 { try straight.trainEpoch() }
    let first = Self.trainer([ssl], initial: sparse)
    try first.trainEpoch()
    let resumed = try Trainer(
      resuming: first.checkpoint, options: first.options, train: first.train, validation: first.validation,
      plugins: [ssl, ClipParameters()], initial: sparse)
    while resumed.epochsDone < 3 { try resumed.trainEpoch() }
    #expect(resumed.network == straight.network)
  }

  @Test func pluginSettingsAreChecked() {
    for (text, field) in [
      ("nope", "nope"), ("probreg:lambda=-1", "probreg.lambda"), ("probreg:lamda=1", "probreg.lamda"), ("ssl:groups=rows", "ssl.groups"),
      ("ssl:block=4", "ssl.block"), ("ssl:lambda=1,lambda=2", "ssl.lambda"), ("ssl:finetune", "ssl"),
    ] {
      #expect(throws: PluginSpecError.self, "\(text)") { _ = try TrainingPlugins.make(text) }
      do {
        _ = try TrainingPlugins.make(text)
      } catch let error as PluginSpecError {
        #expect(error.location == field, "\(text): \(error)")
        #expect(!error.description.contains("--"), "a library error names a flag: \(error)")
      } catch {
        Issue.record("\(text): \(error)")
      }
    }
    var o = TrainingOptions()
    o.plugins = ["probreg", "probreg:lambda=1"]
    #expect(throws: PluginSpecError(.repeatedPlugin, plugin: "probreg")) { _ = try TrainingPlugins.make(for: o) }
    o.plugins = ["probreg:lambda=0.5,a=0.4", "ssl"]
    #expect((try? TrainingPlugins.make(for: o))?.map(\.name) == ["probreg", "ssl", "clip"])
  }
}
