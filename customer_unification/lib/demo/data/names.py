"""First names (by gender, most common first), surnames (most common first) and nicknames.

Lists are ordered by rough US popularity; `population` turns rank into a Zipf-like weight so
"Smith" and "James" are common and the tail is rare. A few accented names exercise encodings.
"""

MALE_FIRST = """
James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel Matthew
Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy Ronald Jason
Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin
Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan
Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Walter Christian Keith Roger Terry Austin Sean
Gerald Carl Harold Dylan Arthur Lawrence Jordan Jesse Bryan Billy Bruce Gabriel Joe Logan Alan
Juan Albert Willie Elijah Wayne Randy Vincent Mason Roy Ralph Bobby Russell Bradley Philip Eugene
Louis Carlos Howard Victor Martin Luis Travis Shawn Craig Marcus Curtis Manuel Derek Luke Isaac
Evan Ian Mario Hector Oscar Clarence Johnny Liam Caleb Owen Lucas Wesley Leonard Miguel Antonio
Jorge Ricardo Alex Trevor Colin Omar Darren Spencer Max Neil Hugo Stanley Marvin Glenn Ivan
José André Raúl Jesús Andrés Rubén Ramón René François Jürgen Björn Ángel Héctor Nicolás
""".split()

FEMALE_FIRST = """
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra
Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Dorothy
Rebecca Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma Anna Pamela Nicole Samantha
Katherine Christine Helen Debra Rachel Carolyn Janet Maria Catherine Heather Diane Olivia Julie
Joyce Victoria Ruth Virginia Lauren Kelly Christina Joan Evelyn Judith Andrea Hannah Megan Cheryl
Jacqueline Martha Madison Teresa Gloria Sara Janice Ann Kathryn Abigail Sophia Frances Jean Alice
Judy Isabella Julia Grace Amber Denise Danielle Marilyn Beverly Charlotte Natalie Theresa Diana
Brittany Doris Kayla Alexis Lori Marie Tiffany Erin Crystal Allison Monica Tracy Rose Vanessa
Leah Holly Valerie Jasmine Dana Wendy Courtney Tamara Ava Mia Chloe Zoe Lily Ella Avery Claire
Natasha Paige Sydney Morgan Jenna Caroline Audrey Bethany Yvonne Irene Gina Naomi Lydia Rosa
María Sofía Zoë Chloé Inés Noémie Hélène Lucía Mónica Renée Béatrice Élise Dolorès Zoé
""".split()

# canonical first name -> nicknames. Only unambiguous nicknames (one canonical name each,
# never itself a first name in the lists above) are used when rendering.
NICKNAMES = {
    "Robert": ["Bob", "Rob", "Bobbie"], "William": ["Bill", "Will", "Liam"],
    "James": ["Jim", "Jimmy", "Jamie"], "John": ["Johnny", "Jon"], "Michael": ["Mike", "Mikey"],
    "Richard": ["Rick", "Rich", "Dick"], "Joseph": ["Joey"], "Thomas": ["Tom", "Tommy"],
    "Christopher": ["Chris", "Topher"], "Charles": ["Charlie", "Chuck"], "Daniel": ["Dan", "Danny"],
    "Matthew": ["Matt"], "Anthony": ["Tony"], "Steven": ["Steve"], "Andrew": ["Andy", "Drew"],
    "Joshua": ["Josh"], "Kenneth": ["Ken", "Kenny"], "Edward": ["Ed", "Eddie", "Ted"],
    "Jeffrey": ["Jeff"], "Timothy": ["Tim", "Timmy"], "Ronald": ["Ron", "Ronnie"],
    "Nicholas": ["Nick", "Nicky"], "Jonathan": ["Jonny"], "Benjamin": ["Ben", "Benny"],
    "Samuel": ["Sammy"], "Gregory": ["Greg"], "Alexander": ["Xander"], "Patrick": ["Paddy"],
    "Raymond": ["Ray"], "Gerald": ["Gerry"], "Lawrence": ["Larry"], "Donald": ["Don", "Donnie"],
    "Douglas": ["Doug"], "Phillip": ["Phil"], "Philip": ["Phil"], "Zachary": ["Zach", "Zack"],
    "Nathan": ["Nate"], "Frederick": ["Fred"], "Leonard": ["Lenny"], "Vincent": ["Vince"],
    "Elizabeth": ["Liz", "Beth", "Lizzie", "Betsy"], "Margaret": ["Maggie", "Peggy", "Meg"],
    "Katherine": ["Kate", "Katie", "Kathy"], "Kathleen": ["Kathy"], "Jennifer": ["Jen", "Jenny"],
    "Patricia": ["Patty", "Trish", "Tricia"], "Susan": ["Sue", "Susie"], "Deborah": ["Deb", "Debbie"],
    "Debra": ["Debbie"], "Jessica": ["Jess", "Jessie"], "Rebecca": ["Becky", "Becca"],
    "Samantha": ["Sammie"], "Victoria": ["Vicky", "Tori"], "Kimberly": ["Kim", "Kimmy"],
    "Christine": ["Chrissy"], "Christina": ["Tina"], "Stephanie": ["Steph"], "Pamela": ["Pam"],
    "Cynthia": ["Cindy"], "Judith": ["Judi"], "Dorothy": ["Dot", "Dottie"], "Barbara": ["Barb"],
    "Abigail": ["Abby"], "Jacqueline": ["Jackie"], "Alexandra": ["Lexi"], "Sandra": ["Sandy"],
    "Catherine": ["Cathy", "Cat"], "Amanda": ["Mandy"], "Melissa": ["Missy", "Mel"],
    "Allison": ["Ally"], "Natalie": ["Nat"], "Valerie": ["Val"], "Theresa": ["Tess"],
    "Teresa": ["Terri"], "Frances": ["Fran"], "Beverly": ["Bev"], "Gloria": ["Glo"],
}

SURNAMES = """
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark
Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams
Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker
Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper
Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James
Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster
Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher
Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno
West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro
Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen
Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw
Snyder Mason Dixon Muñoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar
Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan
Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart
Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray
Delgado Berry Perkins Hoffman Johnston Matthews Peña Richards Contreras Willis Carpenter Lawrence
Sandoval Guerrero George Chapman Rios Estrada Ortega Watkins Greene Núñez Wheeler Valdez Harper
Burke Larson Santiago Maldonado Morrison Franklin Carlson Austin Dominguez Carr Lawson Jacobs
O'Brien Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson Gilbert Dean Sims
Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett Burton Fuller Wang Weber Welch Rojas Lucas
Marquez Fields Park Yang Little Banks Padilla Day Walsh Bowman Schultz Luna Fowler Mejia Davidson
Acosta Brewer May Holland Juarez Newman Pearson Curtis Cortez Douglas Schneider Joseph Barrett
Navarro Figueroa Keller Avila Wade Molina Stanley Hopkins Campos Barnett Bates Chambers Caldwell
Beck Lambert Miranda Byrd Craig Ayala Lowe Frazier Powers Neal Leonard Gregory Carrillo Sutton
Fleming Rhodes Shelton Schwartz Norris Jennings Watts Duran Walters Cohen McDaniel Moran Parks
Steele Vaughn Becker Holt DeLeon Barker Terry Hale Leon Benson Haynes Horton Miles Lyons Pham
Graves Bush Thornton Wolfe Warner Cabrera McKinney Mann Zimmerman Dawson Lara Fletcher Page
McCarthy Love Robles Cervantes Solis Erickson Reeves Chang Klein Salinas Fuentes Baldwin Daniel
Simon Velasquez Hardy Higgins Aguirre Lin Cummings Chandler Sharp Barber Bowen Ochoa Dennis
Robbins Liu Ramsey Francis Griffith Paul Blair O'Connor Cardenas Pacheco Cross Calderon Quinn Moss
Swanson Chan Rivas Khan Rodgers Serrano Fitzgerald Rosales Stevenson Christensen Manning Gill
Curry McLaughlin Harmon McGee Gross Doyle Garner Newton Burgess Reese Walton Blake Trujillo
Adkins Brady Goodman Roman Webster Goodwin Fischer Huang Potter Delacruz Montoya Todd Wu Hines
Mullins Castaneda Malone Cannon Tate Mack Sherman Hubbard Hodges Zhang Guerra Wolf Valencia
Saunders Franco Rowe Gallagher Farmer Hammond Hampton Townsend Ingram Wise Gallegos Clarke Barton
Schroeder Maxwell Waters Logan Camacho Strickland Norman Person Colon Parsons Frank Harrington
Glover Osborne Buchanan Casey Floyd Patton Ibarra Ball Tyler Suarez Bowers Orozco Salas Cobb Gibbs
Andrade Bauer Conner Moody Escobar McGuire Lloyd Mueller Hartman French Kramer McBride Pope
Lindsey Velazquez Norton McCormick Sparks Flynn Yates Hogan Marsh Macias Villanueva Zamora Pratt
Stokes Owen Ballard Lang Brock Villarreal Charles Drake Barrera Cain Patrick Pineda Burnett
Mercado Santana Shepherd Bautista Ali Shaffer Lamb Trevino McKenzie Hess Olsen Cochran Morton
Nash Wilkins Petersen Briggs Shah Roth Nicholson Holloway Lozano Rangel Flowers Hoover Short
Arias Mora Valenzuela Bryan Meyers Weiss Underwood Bass Greer Summers Houston Carson Morrow
Clayton Whitaker Decker Yoder Collier Zuniga Carey Wilcox Melendez Poole Roberson Larsen Conley
Davenport Copeland Massey Lam Huff Rocha Cameron Jefferson Hood Monroe Anthony Pittman Huynh
Randall Singleton Kirk Combs Mathis Christian Skinner Bradford Richard Galvan Wall Boone Kirby
Wilkinson Bridges Bruce Atkinson Velez Meza Roy Vincent York Hodge Villa Abbott Allison Tapia
Gates Chase Sosa Sweeney Farrell Wyatt Dalton Horn Barron Phelps Yu Dickerson Heath Foley Atkins
Mathews Bonilla Acevedo Benitez Zavala Hensley Glenn Cisneros Harrell Shields Rubio Choi Huffman
Boyer Garrison Arroyo Bond Kane Hancock Callahan Dillon Cline Wiggins Grimes Arellano Melton
O'Neill Savage Ho Beltran Pitts Parrish Ponce Rich Booth Koch Golden Ware Brennan McDowell Marks
Cantu Humphrey Baxter Sawyer Clay Tanner Hutchinson Kaur Berg Wiley Gilmore Russo Villegas Hobbs
Keith Wilkerson Ahmed Beard McClain Montes Mata Rosario Vang Walter Henson O'Neal Mosley McClure
Beasley Stephenson Snow Huerta Preston Vance Barry Johns Eaton Blackwell Dyer Prince MacDonald
Solomon Guevara Stafford English Hurst Woodard Cortes Shannon Kemp Nolan McCullough Merritt
Murillo Moon Salgado Strong Kline Cordova Barajas Roach Rosas Winters Jacobson Lester Knox
Bullock Kerr Leach Meadows Orr Davila Whitehead Pruitt Kent Conway McKee Barr David DeJesus Marin
Berger McIntyre Blankenship Gaines Palacios Cuevas Bartlett Durham Dorsey McCall O'Donnell Stein
Browning Stout Lowery Sloan McLean Hendricks Calhoun Sexton Chung Gentry Hull Duarte Ellison
Nielsen Gillespie Buck Middleton Sellers LeBlanc Esparza Hardin Bradshaw McIntosh Howe Livingston
Frost Glass Morse Knapp Herman Stark Bravo Noble Spears Weeks Corona Frederick Buckley McFarland
Hebert Enriquez Hickman Quintero Randolph Schaefer Walls Trejo House Reilly Pennington Michael
Conrad Giles Benjamin Crosby Fitzpatrick Donovan Mays Mahoney Valentine Raymond Medrano Hahn
McMillan Small Bentley Felix Peck Lucero Boyle Hanna Pace Rush Hurley Harding McConnell Bernal
Nava Ayers Everett Ventura Avery Pugh Mayer Bender Shepard McMahon Landry Case Sampson Moses
Magana Blackburn Dunlap Gould Duffy Vaughan Herring McKay Espinosa Rivers Farley Bernard Ashley
Friedman Potts Truong Costa Correa Blevins Nixon Clements Fry Delarosa Best Benton Lugo Portillo
Dougherty Crane Haley Phan Villalobos Blanchard Horne Finley Quintana Lynn Esquivel Bean Dodson
Mullen Xiong Hayden Cano Levy Huber Richmond Moyer Lim Frye Sheppard McCarty Avalos Booker Waller
Parra Woodward Jaramillo Krueger Rasmussen Brandt Peralta Donaldson Stuart Faulkner Maynard
Galindo Coffey Estes Sanford Burch Maddox Vo O'Connell Vu Andersen Spence McPherson Church Schmitt
Stanton Leal Cherry Compton Dudley Sierra Pollard Alfaro Hester Proctor Lu Hinton Novak Good
Madden McCann Terrell Jarvis Dickson Reyna Cantrell Mayo Branch Hendrix Rollins Rowland Whitney
Duke Odom Daugherty Travis Tang Archer Sweet Whitfield Hyde Kaufman Forbes Oconnor Pickett
Ruiz-Lopez Kirkland Lutz Hogue Bolton Holden Dolan Kenney Nash-Reed Gallo Bianchi Romano Ricci
Marino Greco Bruno Gallagher Costello Keane Brennan Doherty Kavanagh Lindqvist Johansson Eriksson
Novotny Kowalski Nowak Wójcik Schäfer Müller Björk Østergaard Dubois Lefèvre Moreau Girard Rousseau
Fontaine Chevalier Lambertini Ferreira Gonçalves Araújo Ribeiro Carvalho Almeida Sørensen
""".split()
