export { loadMnistDigits } from "./mnist-digits";
export { loadFashionMnist } from "./fashion-mnist";
export { loadCifar10 } from "./cifar10";
export {
  cropImages,
  downsample2x,
  imagePoints,
  oneHot,
  preprocessImages,
  selectClasses,
  splitImages,
  translateImages,
  type ImageSet,
} from "./image-set";
