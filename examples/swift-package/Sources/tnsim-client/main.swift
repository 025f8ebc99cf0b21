// tnsim as a library: load a model, inject spikes, step the chip, read spikes and potentials;
// then train a small Tea network on MNIST, deploy it onto a chip and classify on the simulator.
//
//     swift run --package-path examples/swift-package tnsim-client examples/neurons/model.json [MNIST-DIR]
import Deployment
import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

func simulate(modelPath: String) throws {
  // The model names its chip ("tiny"): a chip definition built into tnsim, found from any folder.
  let model = try Model.load(path: modelPath)
  print("model \(modelPath): \(model.cores.count) core(s) on \(model.chip.name)")
  let simulator = try Simulator(model: model, recordAll: true)
  // The input of examples/neurons/input.csv: axon 0 in ticks 0...8, axon 2 in tick 0.
  for tick in Int64(0)...8 { simulator.inject(InputSpike(tick: tick, core: 0, axon: 0)) }
  simulator.inject(InputSpike(tick: 0, core: 0, axon: 2))
  var fired: [Int32: [Int64]] = [:]
  var potentials: [Int32] = []
  for _ in 0..<30 {
    simulator.step()
    for spike in simulator.spikes { fired[spike.neuron, default: []].append(spike.tick) }
    potentials.append(simulator.potential(core: 0, neuron: 3) ?? 0)
  }
  for neuron in fired.keys.sorted() {
    print("neuron \(neuron) fired at ticks \(fired[neuron]!.map(String.init).joined(separator: ","))")
  }
  print("neuron 3 potential by tick \(potentials.map(String.init).joined(separator: ","))")
  print("synaptic events \(simulator.statistics.synapticEvents)")
}

func trainAndDeploy(data: String?) throws {
  // MNIST from the folder given, else $TNSIM_DATA, else the tnsim checkout's data/mnist.
  let mnist = try MNIST.load(locating: data)
  var options = TrainingOptions()
  options.epochs = 1
  options.loss = .softmax  // learns fastest from few images
  let train = mnist.train.subset(0..<6000)
  let test = mnist.test.subset(0..<200)
  let trainer = Trainer(options: options, topology: try Topology.resolve("mnist-5core"), train: train, validation: test.subset(0..<0))
  _ = try trainer.trainEpoch()
  let shadow = trainer.evaluate(test).accuracy
  print(String(format: "trained mnist-5core on %d images: shadow network %.1f%% on %d test images", train.count, 100 * shadow, test.count))
  let trained = TrainedNetwork(network: trainer.network, score: options.score, training: nil)
  var deployment = DeploymentOptions()
  deployment.copies = 2
  let deployed = try DeployedNetwork(trained, chip: try ChipDefinition.resolve("truenorth"), options: deployment)
  let evaluation = try deployed.evaluate(images: test, spf: 2, seed: 1, threads: 0)
  print(String(format: "deployed %d copies on %d cores: %.1f%% on the chip, %d of %d images", deployment.copies,
    deployed.coresUsed, 100 * evaluation.accuracy, evaluation.correct, evaluation.images))
}

let arguments = CommandLine.arguments.dropFirst()
guard let modelPath = arguments.first else {
  FileHandle.standardError.write(Data("usage: tnsim-client MODEL.json [MNIST-DIR]\n".utf8))
  exit(2)
}
do {
  try simulate(modelPath: modelPath)
  try trainAndDeploy(data: arguments.dropFirst().first)
} catch {
  FileHandle.standardError.write(Data("tnsim-client: \(error)\n".utf8))
  exit(1)
}
