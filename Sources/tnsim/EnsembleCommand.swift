import Foundation
import TeaLearning
import TrueNorthIO

let ensembleCommand = Command(
  name: "ensemble",
  summary: "Put trained networks side by side as one network file whose class scores add up.",
  usage: "ensemble NET.json NET2.json [...] --output ENSEMBLE.json [--data DIR] [--no-test]",
  details: """
    Writes one network file holding every given network unchanged: each reads the same input on its own, layer l
    is every member's layer l in turn, and every member's class neurons vote in the readout. deploy, eval and sweep
    take it like any trained network, so one deployment runs an ensemble of differently trained networks (its
    copies x cores per copy are the cores it takes). The members need the same input, classes, number of layers
    and readout rule; each member's class-neuron count must be a multiple of the classes. The shadow network's
    accuracy on the 10,000 test images is printed (with --data DIR, $TNSIM_DATA or data/mnist).
    """,
  options: [
    Option(name: "output", value: "ENSEMBLE.json", help: "the network file to write (atomically; required)"),
    Option(name: "data", value: "DIR", help: "MNIST folder for the shadow accuracy (default: $TNSIM_DATA, else data/mnist)"),
    Option(name: "no-test", value: nil, help: "do not evaluate the shadow network on the test images"),
  ],
  run: { args in
    guard args.positional.count >= 2 else { throw UsageError(message: "give at least two trained network files", arguments: "NET.json") }
    guard let output = args.string("output") else { throw UsageError(flag: "output", message: "is required: the network file to write") }
    var members: [(file: String, network: TrainedNetwork)] = []
    for path in args.positional { members.append((path, try loadNetwork(path))) }
    let ensemble = try TrainedNetwork.ensemble(members)
    let t = ensemble.network.topology
    print("ensemble         \(t.name): \(t.layers.map { String($0.count) }.joined(separator: " + ")) = \(t.cores.count) cores, \(t.outputCount) class neurons")
    if !args.flag("no-test") {
      let test = try MNIST.loadTest(locating: args.string("data"))
      for (network, label) in members.map({ ($0.network.network, $0.file) }) + [(ensemble.network, "the ensemble (10,000 test images)")] {
        print("shadow accuracy  \(String(format: "%.2f%%", 100 * network.accuracy(on: test).accuracy))  \(label)")
      }
    }
    try ensemble.write(to: output)
    print("wrote \(output)")
    return 0
  })
