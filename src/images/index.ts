export { loadMnistDigits } from "./mnist-digits";
export { loadFashionMnist } from "./fashion-mnist";
export { loadCifar10 } from "./cifar10";
export { downsample2x, imagePoints, oneHot, selectClasses, splitImages, type ImageSet } from "./image-set";
