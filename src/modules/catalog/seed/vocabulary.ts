/** The demo catalog's world: a three-level category tree, brands, and words for titles and descriptions. */

export interface LeafSpec {
  name: string;
  /** Noun used in product titles. */
  noun: string;
  /** Typical price in minor units (USD cents). */
  basePrice: number;
  /** Attribute name → choices. */
  attributes: Record<string, string[]>;
}

const colors = ['black', 'white', 'silver', 'red', 'blue', 'green', 'grey', 'navy', 'beige', 'orange'];
const sizes = ['XS', 'S', 'M', 'L', 'XL'];
const materials = ['cotton', 'wool', 'linen', 'leather', 'polyester', 'bamboo', 'steel', 'oak', 'walnut'];

const leaf = (
  name: string,
  noun: string,
  basePrice: number,
  attributes: Record<string, string[]> = {},
): LeafSpec => ({
  name,
  noun,
  basePrice,
  attributes: { color: colors, ...attributes },
});

export const TREE: Record<string, Record<string, LeafSpec[]>> = {
  Electronics: {
    Computers: [
      leaf('Laptops', 'Laptop', 99_900, {
        memory: ['8GB', '16GB', '32GB', '64GB'],
        screen: ['13"', '14"', '15"', '16"'],
      }),
      leaf('Desktops', 'Desktop PC', 119_900, { memory: ['16GB', '32GB', '64GB'] }),
      leaf('Monitors', 'Monitor', 29_900, { screen: ['24"', '27"', '32"', '34"'] }),
      leaf('Keyboards', 'Keyboard', 7_900, { layout: ['US', 'UK', 'DE', 'FR'] }),
    ],
    Phones: [
      leaf('Smartphones', 'Smartphone', 69_900, { storage: ['64GB', '128GB', '256GB', '512GB'] }),
      leaf('Phone Cases', 'Phone Case', 1_900, { material: materials }),
      leaf('Chargers', 'Charger', 2_900, { wattage: ['20W', '45W', '65W', '100W'] }),
    ],
    Audio: [
      leaf('Headphones', 'Headphones', 14_900, { type: ['over-ear', 'on-ear', 'in-ear'] }),
      leaf('Speakers', 'Speaker', 9_900, { connectivity: ['bluetooth', 'wifi', 'wired'] }),
      leaf('Microphones', 'Microphone', 8_900, { connectivity: ['usb', 'xlr'] }),
    ],
    Cameras: [
      leaf('Mirrorless Cameras', 'Mirrorless Camera', 89_900, {
        sensor: ['APS-C', 'full frame', 'micro four thirds'],
      }),
      leaf('Lenses', 'Lens', 39_900, { mount: ['E', 'RF', 'Z', 'X'] }),
      leaf('Tripods', 'Tripod', 6_900, { material: ['aluminium', 'carbon'] }),
    ],
  },
  'Home & Kitchen': {
    Kitchen: [
      leaf('Cookware', 'Frying Pan', 4_900, { material: ['steel', 'cast iron', 'ceramic', 'copper'] }),
      leaf('Knives', 'Chef Knife', 5_900, { material: ['steel', 'damascus', 'ceramic'] }),
      leaf('Coffee Makers', 'Coffee Maker', 12_900, {
        type: ['espresso', 'drip', 'pour-over', 'french press'],
      }),
    ],
    Furniture: [
      leaf('Chairs', 'Chair', 14_900, { material: materials }),
      leaf('Desks', 'Desk', 29_900, { material: ['oak', 'walnut', 'steel', 'bamboo'] }),
      leaf('Bookshelves', 'Bookshelf', 17_900, { material: ['oak', 'walnut', 'pine'] }),
    ],
    Bedding: [
      leaf('Duvets', 'Duvet', 8_900, { size: ['single', 'double', 'queen', 'king'], material: materials }),
      leaf('Pillows', 'Pillow', 2_900, { material: ['down', 'memory foam', 'latex'] }),
      leaf('Blankets', 'Blanket', 4_900, { material: materials }),
    ],
  },
  Fashion: {
    Men: [
      leaf('Shirts', 'Shirt', 3_900, { size: sizes, material: materials }),
      leaf('Jackets', 'Jacket', 12_900, { size: sizes }),
      leaf('Sneakers', 'Sneakers', 8_900, { size: ['40', '41', '42', '43', '44', '45'] }),
    ],
    Women: [
      leaf('Dresses', 'Dress', 7_900, { size: sizes }),
      leaf('Handbags', 'Handbag', 11_900, { material: ['leather', 'canvas', 'nylon'] }),
      leaf('Boots', 'Boots', 13_900, { size: ['36', '37', '38', '39', '40', '41'] }),
    ],
    Accessories: [
      leaf('Watches', 'Watch', 19_900, { strap: ['leather', 'steel', 'rubber'] }),
      leaf('Sunglasses', 'Sunglasses', 8_900, { lens: ['polarized', 'gradient', 'mirrored'] }),
      leaf('Belts', 'Belt', 2_900, { material: ['leather', 'canvas'] }),
    ],
  },
  Sports: {
    Outdoor: [
      leaf('Tents', 'Tent', 19_900, { capacity: ['1 person', '2 person', '4 person'] }),
      leaf('Backpacks', 'Backpack', 8_900, { volume: ['20L', '30L', '45L', '65L'] }),
      leaf('Sleeping Bags', 'Sleeping Bag', 9_900, { season: ['summer', '3-season', 'winter'] }),
    ],
    Fitness: [
      leaf('Yoga Mats', 'Yoga Mat', 2_900, { thickness: ['4mm', '6mm', '8mm'] }),
      leaf('Dumbbells', 'Dumbbell Set', 6_900, { weight: ['5kg', '10kg', '20kg', '30kg'] }),
      leaf('Treadmills', 'Treadmill', 79_900, { foldable: ['yes', 'no'] }),
    ],
    Cycling: [
      leaf('Bikes', 'Bike', 89_900, {
        frame: ['S', 'M', 'L', 'XL'],
        type: ['road', 'gravel', 'city', 'mountain'],
      }),
      leaf('Helmets', 'Helmet', 5_900, { size: ['S', 'M', 'L'] }),
      leaf('Bike Lights', 'Bike Light', 2_900, { lumens: ['200', '500', '1000'] }),
    ],
  },
  Garden: {
    Tools: [
      leaf('Shovels', 'Shovel', 3_900, { material: ['steel', 'carbon'] }),
      leaf('Pruners', 'Pruner', 2_900, { type: ['bypass', 'anvil'] }),
      leaf('Lawn Mowers', 'Lawn Mower', 29_900, { power: ['electric', 'battery', 'petrol'] }),
    ],
    Watering: [
      leaf('Hoses', 'Garden Hose', 3_900, { length: ['10m', '20m', '30m'] }),
      leaf('Watering Cans', 'Watering Can', 1_900, { volume: ['5L', '10L'] }),
      leaf('Sprinklers', 'Sprinkler', 2_900, { type: ['oscillating', 'rotary', 'impulse'] }),
    ],
  },
};

export const BRANDS = [
  'Aurora',
  'Borealis',
  'Cobalt',
  'Driftwood',
  'Ember',
  'Fjord',
  'Granite',
  'Halcyon',
  'Ironbark',
  'Juniper',
  'Kestrel',
  'Lumen',
  'Meridian',
  'Nimbus',
  'Obsidian',
  'Pinnacle',
  'Quartz',
  'Redwood',
  'Solstice',
  'Tundra',
  'Umbra',
  'Vantage',
  'Willow',
  'Xenon',
  'Yarrow',
  'Zephyr',
  'Atlas',
  'Beacon',
  'Cascade',
  'Dune',
  'Equinox',
  'Falcon',
  'Glacier',
  'Harbor',
  'Indigo',
  'Jasper',
  'Kodiak',
  'Lynx',
  'Monarch',
  'Nova',
];

export const ADJECTIVES = [
  'Ultralight',
  'Classic',
  'Pro',
  'Compact',
  'Essential',
  'Premium',
  'Rugged',
  'Smart',
  'Wireless',
  'Everyday',
  'Heritage',
  'Modern',
  'Portable',
  'Signature',
  'Studio',
  'Travel',
  'Urban',
  'Vintage',
  'Eco',
  'Elite',
];

export const MODELS = [
  'One',
  'Two',
  'Air',
  'Max',
  'Mini',
  'Plus',
  'S',
  'X',
  'Lite',
  'Neo',
  '2',
  '3',
  '5',
  '7',
  '9',
];

export const FEATURES = [
  'built to last for years of daily use',
  'designed with a clean and timeless look',
  'made from carefully sourced materials',
  'tested in real conditions by our team',
  'easy to clean and simple to maintain',
  'lightweight enough to take anywhere',
  'backed by a two year warranty',
  'packed in recyclable packaging',
  'comfortable from the first day',
  'with thoughtful details that make a difference',
  'quiet, efficient and reliable',
  'a favourite of professionals and beginners alike',
];
