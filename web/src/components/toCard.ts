import type { Product, SearchHit } from '@/api/types';
import type { CardProduct } from './ProductCard';

export const productCard = (p: Product): CardProduct => ({ ...p, image: p.images[0] ?? null });
export const hitCard = (h: SearchHit): CardProduct => h;
