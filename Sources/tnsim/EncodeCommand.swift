import Deployment
import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

let encodeCommand = Command(
  name: "encode",
  summary: "Write MNIST test images as input spikes for a deployed model, as eval feeds them.",
  usage: "encode MANIFEST --spf S --output SPIKES [--images K] [--first N] [--seed S] [--data DIR]",
  details: """
    MANIFEST is the MODEL.manifest.json that deploy wrote (or MODEL.json, with its manifest beside it). Frame j
    (test image N + j) occupies ticks [j spf, (j + 1) spf): the spikes eval injects for the same images and seed,
    so run MODEL.json --input SPIKES --output pins.csv drives the deployed model, and the manifest's readout turns
    the pin spikes of ticks [j spf + D, (j + 1) spf + D) into the class of frame j (docs/deployed-format.md).
    SPIKES ending in .tnspk is written binary, anything else as CSV (docs/spike-formats.md).
    """,
  options: [
    Option(name: "spf", value: "S", help: "spikes (ticks) per frame (default: the one given to deploy, else 1)"),
    Option(name: "output", value: "SPIKES", help: "the input spike file to write (required)"),
    Option(name: "images", value: "K", help: "K test images (default all 10,000)"),
    Option(name: "first", value: "N", help: "start at test image N (default 0)"),
    Option(name: "seed", value: "S", help: "seed of the encoding (default: the deployment's seed, as eval)"),
    Option(name: "data", value: "DIR", help: dataHelp),
  ],
  run: { args in
    let path = try args.onePositional("MANIFEST")
    guard let output = args.string("output") else { throw InputError(file: "--output", message: "is required") }
    let spfFlag = try args.int("spf", in: 1...1_000_000), seedFlag = try args.uint64("seed")
    let manifest = try DeploymentManifest.load(path: path.hasSuffix(".manifest.json") ? path : DeploymentManifest.path(forModel: path))
    let spf = spfFlag ?? manifest.spf ?? 1
    let seed = seedFlag ?? manifest.encoding.seed
    let images = try testImages(args, try MNIST.loadTest(locating: args.string("data")))
    let spikes = try worded { try manifest.writeInputSpikes(images, spf: spf, seed: seed, to: output) }
    let ticks = images.count * spf + manifest.readout.pipelineDepth
    print("wrote \(output): \(spikes) input spikes, \(images.count) frames x \(spf) spf from tick 0 (seed \(seed)); "
      + "the last frame's outputs are in tick \(ticks - 1), so run the model with --ticks \(ticks)")
    return 0
  })
