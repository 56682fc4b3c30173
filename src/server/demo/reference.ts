import "server-only";

/**
 * Fixed reference data for the demo database. Geography and the catalogue are
 * hand-written rather than faked so that countries sit in the right region, cities in
 * the right country and product names match their category: newcomers judge the
 * whole tool by whether a GROUP BY over this data looks plausible.
 */

export interface CountryRef {
  name: string;
  /** Relative share of customers, so the US dominates like a real web shop. */
  weight: number;
  cities: readonly string[];
}

export interface RegionRef {
  name: string;
  code: string;
  countries: readonly CountryRef[];
}

export const REGIONS: readonly RegionRef[] = [
  {
    name: "North America",
    code: "NA",
    countries: [
      {
        name: "United States",
        weight: 34,
        cities: ["New York", "Los Angeles", "Chicago", "Houston", "Seattle", "Boston", "Austin", "Denver", "Atlanta", "Miami", "San Francisco", "Portland"],
      },
      { name: "Canada", weight: 7, cities: ["Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa"] },
      { name: "Mexico", weight: 4, cities: ["Mexico City", "Guadalajara", "Monterrey", "Puebla"] },
    ],
  },
  {
    name: "Latin America",
    code: "LATAM",
    countries: [
      { name: "Brazil", weight: 5, cities: ["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba"] },
      { name: "Argentina", weight: 2, cities: ["Buenos Aires", "Córdoba", "Rosario"] },
      { name: "Chile", weight: 1.5, cities: ["Santiago", "Valparaíso"] },
      { name: "Colombia", weight: 1.5, cities: ["Bogotá", "Medellín", "Cali"] },
    ],
  },
  {
    name: "Western Europe",
    code: "WEU",
    countries: [
      { name: "United Kingdom", weight: 8, cities: ["London", "Manchester", "Edinburgh", "Bristol", "Leeds"] },
      { name: "Germany", weight: 7, cities: ["Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt"] },
      { name: "France", weight: 6, cities: ["Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux"] },
      { name: "Netherlands", weight: 3, cities: ["Amsterdam", "Rotterdam", "Utrecht", "The Hague"] },
      { name: "Spain", weight: 3, cities: ["Madrid", "Barcelona", "Valencia", "Seville"] },
      { name: "Italy", weight: 3, cities: ["Rome", "Milan", "Turin", "Naples"] },
    ],
  },
  {
    name: "Northern Europe",
    code: "NEU",
    countries: [
      { name: "Sweden", weight: 2, cities: ["Stockholm", "Gothenburg", "Malmö"] },
      { name: "Norway", weight: 1.5, cities: ["Oslo", "Bergen", "Trondheim"] },
      { name: "Denmark", weight: 1.5, cities: ["Copenhagen", "Aarhus", "Odense"] },
      { name: "Finland", weight: 1, cities: ["Helsinki", "Espoo", "Tampere"] },
    ],
  },
  {
    name: "Asia Pacific",
    code: "APAC",
    countries: [
      { name: "Australia", weight: 4, cities: ["Sydney", "Melbourne", "Brisbane", "Perth"] },
      { name: "Japan", weight: 3, cities: ["Tokyo", "Osaka", "Yokohama", "Nagoya"] },
      { name: "India", weight: 3, cities: ["Mumbai", "Bengaluru", "Delhi", "Hyderabad"] },
      { name: "Singapore", weight: 1.5, cities: ["Singapore"] },
      { name: "South Korea", weight: 1.5, cities: ["Seoul", "Busan", "Incheon"] },
    ],
  },
  {
    name: "Middle East & Africa",
    code: "MEA",
    countries: [
      { name: "United Arab Emirates", weight: 1.5, cities: ["Dubai", "Abu Dhabi"] },
      { name: "South Africa", weight: 1.5, cities: ["Cape Town", "Johannesburg", "Durban"] },
      { name: "Israel", weight: 1, cities: ["Tel Aviv", "Jerusalem", "Haifa"] },
      { name: "Nigeria", weight: 1, cities: ["Lagos", "Abuja"] },
      { name: "Egypt", weight: 1, cities: ["Cairo", "Alexandria"] },
    ],
  },
];

export interface LeafCategoryRef {
  name: string;
  nouns: readonly string[];
  /** List-price range in whole dollars; prices end in .99 like a real shop. */
  price: readonly [number, number];
}

export interface CategoryRef {
  name: string;
  children: readonly LeafCategoryRef[];
}

export const CATEGORIES: readonly CategoryRef[] = [
  {
    name: "Electronics",
    children: [
      { name: "Laptops", nouns: ["Laptop", "Ultrabook", "Notebook", "Chromebook"], price: [399, 2199] },
      { name: "Phones", nouns: ["Smartphone", "Phone"], price: [199, 1299] },
      { name: "Audio", nouns: ["Headphones", "Earbuds", "Speaker", "Soundbar"], price: [29, 399] },
      { name: "Accessories", nouns: ["USB-C Hub", "Charger", "Keyboard", "Mouse", "Laptop Sleeve", "Power Bank"], price: [9, 129] },
    ],
  },
  {
    name: "Home & Kitchen",
    children: [
      { name: "Cookware", nouns: ["Frying Pan", "Dutch Oven", "Saucepan", "Knife Set", "Wok"], price: [19, 249] },
      { name: "Appliances", nouns: ["Blender", "Coffee Maker", "Toaster", "Air Fryer", "Kettle"], price: [29, 349] },
      { name: "Furniture", nouns: ["Desk Chair", "Bookshelf", "Side Table", "Standing Desk", "Sofa"], price: [59, 1199] },
      { name: "Decor", nouns: ["Table Lamp", "Throw Pillow", "Wall Clock", "Vase", "Picture Frame"], price: [9, 99] },
    ],
  },
  {
    name: "Sports & Outdoors",
    children: [
      { name: "Fitness", nouns: ["Yoga Mat", "Dumbbell Set", "Kettlebell", "Resistance Bands", "Jump Rope"], price: [9, 299] },
      { name: "Camping", nouns: ["Tent", "Sleeping Bag", "Headlamp", "Camp Stove", "Backpack"], price: [19, 449] },
      { name: "Cycling", nouns: ["Bike Helmet", "Bike Light", "Cycling Gloves", "Bike Lock", "Water Bottle"], price: [9, 179] },
    ],
  },
  {
    name: "Clothing",
    children: [
      { name: "Outerwear", nouns: ["Rain Jacket", "Down Jacket", "Fleece", "Parka"], price: [49, 329] },
      { name: "Activewear", nouns: ["Running Shirt", "Leggings", "Training Shorts", "Hoodie"], price: [19, 89] },
      { name: "Footwear", nouns: ["Running Shoes", "Hiking Boots", "Sneakers", "Sandals"], price: [39, 219] },
    ],
  },
  {
    name: "Books & Media",
    children: [
      { name: "Fiction", nouns: ["Novel", "Short Story Collection", "Thriller"], price: [9, 34] },
      { name: "Non-fiction", nouns: ["Cookbook", "Biography", "Travel Guide", "History"], price: [12, 49] },
      { name: "Games", nouns: ["Board Game", "Card Game", "Puzzle"], price: [12, 79] },
    ],
  },
  {
    name: "Beauty & Health",
    children: [
      { name: "Skincare", nouns: ["Moisturizer", "Sunscreen", "Face Serum", "Cleanser"], price: [8, 69] },
      { name: "Personal Care", nouns: ["Electric Toothbrush", "Hair Dryer", "Shaver", "Body Wash"], price: [6, 179] },
    ],
  },
];

export const BRANDS = ["Northwind", "Acme", "Lumen", "Altitude", "Cobalt", "Evergreen", "Harbor", "Vertex", "Juniper", "Summit", "Orbit", "Maple & Co"] as const;
export const MODEL_SUFFIXES = ["Pro", "Air", "Max", "Mini", "Plus", "Lite", "Classic", "Sport", "Essential", "Ultra"] as const;
export const EMAIL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "hotmail.com", "aol.com"] as const;
