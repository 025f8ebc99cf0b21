/// Deployment of Tea-trained networks onto the chip model (issue 4).
import TrueNorth
import TeaLearning

public enum Deployment {}
