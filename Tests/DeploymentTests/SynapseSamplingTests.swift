import Foundation
import Testing
@testable import Deployment
import TeaLearning
import TrueNorth
import TrueNorthIO

/// Independent and stratified synapse draws across copies: what each gives the copies' counts of
/// a synapse, a copy on its own, and how a manifest records the choice.
@Suite struct SynapseSamplingTests {
  static let chip = ChipDefinition.builtin(named: "truenorth")!

  /// Five cores per copy (four 60 x 40 hidden cores, one 160 x 30 class core), every connection
  /// probability in (0, 1).
  static let net = network(
    inputs: 240, hiddenCores: 4, hidden: 40, outputs: 30, seed: 5, connection: { Float($0.nextUnit()) }, leak: { Float($0.nextUnit() * 4 - 2) })

  /// `copies` copies, unpacked and unshrunk, so that synapse (a, n) of logical core k sits at
  /// (a, n) of chip core copy * 5 + k and is present with probability c (0 for a zero weight).
  static func deploy(copies: Int, sampling: SynapseSampling, seed: UInt64 = 3) throws -> DeployedNetwork {
    var options = DeploymentOptions()
    options.copies = copies
    options.seed = seed
    options.shrinkWeights = false
    options.pack = false
    options.synapses = sampling
    return try DeployedNetwork(net, chip: chip, options: options)
  }

  /// The probability of synapse (a, n) of logical core k: its connection, 0 for a zero weight.
  static func probability(core k: Int, axon a: Int, neuron n: Int) -> Double {
    let p = net.network.cores[k]
    return p.weights[n * 4 + Int(p.axonTypes[a])] == 0 ? 0 : Double(p.connections[a * p.neurons + n])
  }

  /// Every synapse (core, axon, neuron) with the number of copies holding it.
  static func counts(_ d: DeployedNetwork, copies: Int) -> [(k: Int, a: Int, n: Int, count: Int)] {
    var out: [(k: Int, a: Int, n: Int, count: Int)] = []
    for (k, p) in net.network.cores.enumerated() {
      for a in 0..<p.axons {
        for n in 0..<p.neurons {
          out.append((k, a, n, (0..<copies).filter { d.model.cores[$0 * 5 + k].crossbar[a, n] }.count))
        }
      }
    }
    return out
  }

  /// With N stratified copies a synapse of probability p is in floor(pN) or floor(pN) + 1 of them;
  /// independent copies break that bound somewhere among the 14,400 synapses.
  @Test(arguments: [7, 12])
  func stratifiedCountsStayWithinOneOfTheExpectation(copies: Int) throws {
    #expect(try Self.deploy(copies: copies, sampling: .stratified).model.cores.count == 5 * copies)
    for (sampling, bound) in [(SynapseSampling.stratified, true), (.independent, false)] {
      let d = try Self.deploy(copies: copies, sampling: sampling)
      var outside = 0, first: String?
      for s in Self.counts(d, copies: copies) {
        let low = Int((Self.probability(core: s.k, axon: s.a, neuron: s.n) * Double(copies)).rounded(.down))
        if s.count < low || s.count > low + 1 {
          outside += 1
          if first == nil { first = "core \(s.k) axon \(s.a) neuron \(s.n): \(s.count) copies, floor(pN) = \(low)" }
        }
      }
      if bound {
        #expect(outside == 0, "\(outside) synapses outside the bound, first \(first ?? "")")
      } else {
        #expect(outside > 1000, "independent copies: only \(outside) synapses outside the bound")
      }
    }
  }

  /// Each stratified copy on its own is a draw of the network: its synapse count is within 5
  /// standard deviations of the expected one, and copies differ from one another.
  @Test func eachStratifiedCopyHasTheExpectedSynapses() throws {
    let copies = 12
    let d = try Self.deploy(copies: copies, sampling: .stratified)
    var mean = 0.0, variance = 0.0
    for (k, p) in Self.net.network.cores.enumerated() {
      for a in 0..<p.axons {
        for n in 0..<p.neurons {
          let q = Self.probability(core: k, axon: a, neuron: n)
          mean += q
          variance += q * (1 - q)
        }
      }
    }
    for c in 0..<copies {
      let present = (0..<5).reduce(0) { $0 + d.model.cores[c * 5 + $1].crossbar.synapseCount }
      #expect(abs(Double(present) - mean) < 5 * variance.squareRoot(), "copy \(c): \(present) synapses, expected \(mean)")
    }
    #expect(Set((0..<copies).map { d.model.cores[$0 * 5].crossbar }).count == copies)
  }

  /// One copy has a single stratum: stratified draws are the independent draws, bit for bit.
  @Test func oneStratifiedCopyIsTheIndependentCopy() throws {
    let a = try Self.deploy(copies: 1, sampling: .stratified), b = try Self.deploy(copies: 1, sampling: .independent)
    #expect(a.model.cores == b.model.cores)
    #expect(try Self.deploy(copies: 1, sampling: .stratified, seed: 4).model.cores != a.model.cores)
  }

  /// The manifest keeps the choice; one from before it has no "synapses" and means independent draws.
  @Test(arguments: SynapseSampling.allCases)
  func aManifestKeepsTheSynapseSampling(sampling: SynapseSampling) throws {
    let dir = try temporaryFolder("synapses")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let deployed = try Self.deploy(copies: 3, sampling: sampling)
    try Self.net.write(to: dir + "/net.json")
    try deployed.save(to: dir + "/model.json", chipReference: "truenorth", network: dir + "/net.json", spf: 1)
    let path = dir + "/model.manifest.json"
    #expect(try DeploymentManifest.load(path: path).options == deployed.options)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let member = "\"synapses\": \"\(sampling.rawValue)\""
    #expect(text.contains(member))
    try text.replacingOccurrences(of: ", " + member, with: "").write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try DeploymentManifest.load(path: path).options.synapses == .independent)
    try text.replacingOccurrences(of: member, with: "\"synapses\": \"latin\"").write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try DeploymentManifest.load(path: path)
      Issue.record("a bad synapse sampling was accepted")
    } catch {
      #expect(error.file == path && error.path == "settings.synapses" && error.message == "expected \"independent\" or \"stratified\"", "\(error)")
    }
  }
}
