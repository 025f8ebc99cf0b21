import Foundation
import Testing
@testable import TeaLearning

@Test func zzEnsembleProbe() throws {
  guard let list = ProcessInfo.processInfo.environment["PROBE_NETS"] else { return }
  let mnist = try MNIST.load(directory: "/work/main/data/mnist")
  let test = mnist.test
  var probs: [[Float]] = []
  var nets: [TrainedNetwork] = []
  for path in list.split(separator: ",") {
    let n = try TrainedNetwork.read(from: String(path))
    let p = n.network.outputProbabilities(test)
    var c = 0
    let o = n.network.topology.outputCount
    for i in 0..<test.count where n.network.predictedClass(outputs: p[(i*o)..<((i+1)*o)], score: n.score) == Int(test.labels[i]) { c += 1 }
    print("PROBE \(path): \(c)")
    probs.append(p); nets.append(n)
  }
  // ensembles of every pair and all
  func ens(_ idx: [Int]) -> Int {
    var c = 0
    for i in 0..<test.count {
      var s = [Double](repeating: 0, count: 10)
      for k in idx {
        let o = nets[k].network.topology.outputCount
        let t = nets[k].network.topology
        let cnt = t.neuronsPerClass
        for j in 0..<o { s[t.classOf(output: j)] += Double(probs[k][i*o+j]) / Double(cnt[t.classOf(output: j)]) }
      }
      let b = s.indices.max { s[$0] < s[$1] }!
      if b == Int(test.labels[i]) { c += 1 }
    }
    return c
  }
  for a in 0..<nets.count { for b in (a+1)..<nets.count { print("PROBE pair \(a),\(b): \(ens([a,b]))") } }
  print("PROBE all: \(ens(Array(nets.indices)))")
}
