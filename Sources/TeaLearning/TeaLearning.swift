/// The Tea-learning trainer (issue 3): shadow networks of connection probabilities, trained on MNIST.
public enum TeaLearning {}
