import Foundation
import Testing
import TeaLearning
@testable import Deployment

/// `DeployedNetwork.checkWiring`: the check `train` warns with, the same the deployer refuses by.
@Suite struct WiringCheckTests {
  @Test func everyBuiltinTopologyDeploys() throws {
    for file in Topology.builtinFiles {
      #expect(throws: Never.self) { try DeployedNetwork.checkWiring(try Topology.resolve(file.name)) }
    }
  }

  @Test func anOutputReadByTwoCoresIsRefused() {
    let layer0 = [Topology.Core(inputs: Array(0..<10), neurons: 20)]
    let layer1 = [Topology.Core(inputs: Array(0..<12), neurons: 10), Topology.Core(inputs: Array(10..<20), neurons: 10)]
    let topology = Topology(name: "overlap", inputRows: 1, inputColumns: 10, classes: 10, layers: [layer0, layer1])
    #expect(throws: DeploymentError.outputReadTwice(layer: 0, output: 10, first: .init(core: 1, axon: 10), second: .init(core: 2, axon: 0))) {
      try DeployedNetwork.checkWiring(topology)
    }
  }
}
